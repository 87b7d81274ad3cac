import type { Router } from "express";
import type { DeliveryAdapter } from "../src/adapter.js";
import type { RosterIndex } from "../src/domain/roster-index.js";
import type { Logger } from "../src/log.js";
import type { Metrics } from "../src/metrics.js";
import type { Store } from "../src/store/port.js";
import type { Inbound, Reply } from "../src/ui/model.js";

/** What the composition root gives every platform adapter. */
export interface AdapterContext {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  publicUrl: string;
  /** The workflows: every inbound event, normalised, goes here; the reply is rendered back. */
  handle(inbound: Inbound): Promise<Reply>;
  roster(): Promise<RosterIndex>;
  now(): Promise<Date>;
}

/** What a platform adapter gives back: its HTTP routes (transport only) and its delivery side. */
export interface PlatformAdapter {
  router: Router;
  delivery: DeliveryAdapter;
  /** Connections that are not HTTP routes (e.g. Slack Socket Mode). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
