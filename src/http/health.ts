import type { Router } from "express";
import express from "express";
import type { Metrics } from "../metrics.js";
import type { Store } from "../store/port.js";

const READY_TIMEOUT_MS = 1000;

/** /healthz: the process is alive. /readyz: the store answers. /metrics: Prometheus text. */
export function healthRoutes(store: Store, metrics: Metrics, isShuttingDown: () => boolean): Router {
  const r = express.Router();
  r.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  r.get("/readyz", async (_req, res) => {
    if (isShuttingDown()) {
      res.status(503).json({ ok: false, reason: "shutting down" });
      return;
    }
    try {
      await withTimeout(store.ping(), READY_TIMEOUT_MS);
      res.json({ ok: true, store: store.kind });
    } catch (err) {
      res.status(503).json({ ok: false, store: store.kind, reason: (err as Error).message });
    }
  });
  r.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
