import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { isCoachbotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { ChangeSet, DueItem, NewOutboxEntry, Store } from "../store/port.js";
import { eachLimit } from "./each-limit.js";

/** Turns one due item into its effects (next occurrence, cycle moves, outgoing messages), or null. */
export type DueHandler = (item: DueItem, now: Date) => Promise<ChangeSet | null>;
/** By item.kind. */
export type DueHandlers = Record<string, DueHandler>;

export interface TickReport {
  taken: number;
  completed: number;
  /** Left leased: they come back when the lease passes. */
  failed: number;
  /** Completed without a handler (a kind this version does not know). */
  unknownKind: number;
  /** What was enqueued (or, in a dry run, would be). */
  outbox: NewOutboxEntry[];
  durationMs: number;
}

export interface TickOptions {
  limit?: number;
  /** How long a taken item stays hidden from other tickers; a crashed tick's items return after it. */
  leaseMs?: number;
  /** Peek and run handlers, write nothing. */
  dryRun?: boolean;
}

const DEFAULTS = { limit: 100, leaseMs: 5 * 60_000 };
/**
 * Districts handled at once within a batch. A district's items run in order, one at a time: two of
 * them may move the same cycle. Different districts share nothing, so with Redis their round trips
 * overlap instead of adding up.
 */
const DISTRICTS_AT_ONCE = 8;

/** Runs everything due at `now`: O(items due), never a scan of all educators. */
export async function runTick(
  deps: { store: Store; handlers: DueHandlers; logger: Logger; metrics?: Metrics },
  now: Date,
  opts: TickOptions = {},
): Promise<TickReport> {
  const { store, handlers, logger } = deps;
  const limit = opts.limit ?? DEFAULTS.limit;
  const leaseMs = opts.leaseMs ?? DEFAULTS.leaseMs;
  // Elapsed time is measured, not used by the logic, so it may read the monotonic clock.
  const started = performance.now();
  const report: TickReport = { taken: 0, completed: 0, failed: 0, unknownKind: 0, outbox: [], durationMs: 0 };

  // `complete` is null in a dry run: nothing is leased, nothing is written.
  const handle = async (item: DueItem, complete: (() => Promise<void>) | null): Promise<void> => {
    const log = logger.child({ key: item.key, kind: item.kind, districtId: item.districtId });
    const handler = handlers[item.kind];
    if (!handler) {
      log.error("no handler for this kind of due item; dropping it");
      report.unknownKind++;
      await complete?.();
      return;
    }
    try {
      const changes = await handler(item, now);
      if (complete && changes) await store.apply(changes);
      report.outbox.push(...(changes?.outbox ?? []));
      // Completing after apply: a crash in between replays the handler, and the outbox keys dedupe it.
      if (complete) {
        await complete();
        report.completed++;
      }
    } catch (err) {
      report.failed++;
      const conflict = isCoachbotError(err, "STORE_CONFLICT");
      log[conflict ? "warn" : "error"]({ err }, "due item failed; it returns when its lease passes");
    }
  };

  if (opts.dryRun) {
    // Nothing is leased, so a second peek would return the same items: one batch is the preview.
    const items = await store.peekDue(now.getTime(), limit);
    report.taken = items.length;
    for (const item of items) await handle(item, null);
  } else {
    for (;;) {
      const batch = await store.takeDue(now.getTime(), limit, leaseMs);
      report.taken += batch.length;
      await eachLimit(byDistrict(batch), DISTRICTS_AT_ONCE, async (items) => {
        for (const item of items) await handle(item, () => store.completeDue(item));
      });
      if (batch.length < limit) break;
      // With the embedded store every await above settles as a microtask: without this, a tick of
      // thousands of items would hold the event loop (inbound acks, the delivery loop) to its end.
      await yieldToLoop();
    }
  }

  report.durationMs = performance.now() - started;
  if (!opts.dryRun) deps.metrics?.tickSeconds.observe(report.durationMs / 1000);
  const summary = { ...report, outbox: report.outbox.length, dryRun: opts.dryRun === true };
  logger[report.taken > 0 ? "info" : "debug"](summary, "tick");
  return report;
}

/** The batch's items by district, each district's in the order taken. */
function byDistrict<T extends DueItem>(items: T[]): T[][] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const lane = lanes.get(item.districtId);
    if (lane) lane.push(item);
    else lanes.set(item.districtId, [item]);
  }
  return [...lanes.values()];
}
