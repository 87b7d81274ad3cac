import type { DeliveryAdapter } from "./adapter.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import { createDelivery, type Delivery, type DeliveryReport } from "./scheduler/delivery.js";
import { DEFAULT_LIMITS, type RateLimits } from "./scheduler/ratelimit.js";
import { runTick, type TickReport } from "./scheduler/tick.js";
import type { Store } from "./store/port.js";
import type { WorkflowDeps } from "./workflows/deps.js";
import { dueHandlers } from "./workflows/due.js";

/** The proactive half of the bot: due index -> outbox (tick), outbox -> platforms (delivery). */
export interface Engine {
  /** Runs everything due at `now` once, then delivers what that enqueued (unless a dry run). */
  runOnce(
    now: Date,
    opts?: { dryRun?: boolean },
  ): Promise<{ tick: TickReport; delivery: DeliveryReport | null }>;
  delivery: Delivery;
}

export function createEngine(deps: {
  store: Store;
  workflows: WorkflowDeps;
  adapters: DeliveryAdapter[];
  logger: Logger;
  metrics?: Metrics;
  limits?: RateLimits;
  /** Wall-clock milliseconds for delivery timing (retries, rate windows). */
  nowMs: () => number;
}): Engine {
  const handlers = dueHandlers(deps.workflows);
  const delivery = createDelivery({
    store: deps.store,
    adapters: deps.adapters,
    people: async (id) => (await deps.workflows.roster()).person(id) ?? null,
    limits: deps.limits ?? DEFAULT_LIMITS,
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    now: deps.nowMs,
  });
  return {
    delivery,
    async runOnce(now, opts = {}) {
      const tick = await runTick(
        {
          store: deps.store,
          handlers,
          logger: deps.logger,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
        },
        now,
        opts,
      );
      if (opts.dryRun) return { tick, delivery: null };
      const total: DeliveryReport = { claimed: 0, sent: 0, retried: 0, deferred: 0, dead: 0 };
      // Drain what this tick enqueued (a batch at a time) so callers see it delivered.
      for (;;) {
        const r = await delivery.runOnce();
        for (const k of Object.keys(total) as (keyof DeliveryReport)[]) total[k] += r[k];
        if (r.claimed === 0 || r.sent + r.dead === 0) break;
      }
      return { tick, delivery: total };
    },
  };
}
