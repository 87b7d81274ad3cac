import { type Logger as CronLogger, type RunCoordinator, schedule } from "node-cron";
import type { Logger } from "../log.js";
import type { Store } from "../store/port.js";

export interface SchedulerOptions {
  tick: () => Promise<void>;
  /** Default: every minute. */
  cronExpression?: string;
  /** With several instances: elects the one that runs each slot. */
  coordinator?: RunCoordinator;
  logger: Logger;
}

/** Runs `tick` on the cron expression, never overlapping itself; stop() waits for the tick in flight. */
export function startScheduler(opts: SchedulerOptions): { stop(): Promise<void> } {
  const { logger } = opts;
  let inFlight: Promise<void> | undefined;
  const task = schedule(
    opts.cronExpression ?? "* * * * *",
    () => {
      inFlight = opts.tick().catch((err: unknown) => logger.error({ err }, "scheduled tick failed"));
      return inFlight;
    },
    {
      // The name is the coordination key's prefix shared by every instance.
      name: "coachbot-tick",
      noOverlap: true,
      distributed: opts.coordinator !== undefined,
      runCoordinator: opts.coordinator,
      logger: cronLogger(logger),
    },
  );
  return {
    async stop() {
      await task.destroy();
      await inFlight;
    },
  };
}

/**
 * node-cron's run coordinator over a store lease: a fire runs only on the instance that holds
 * `lockKey`. One lock for the task, not one per fire, so a tick that outlasts its interval also
 * keeps the other instances' next fires out. The lease is renewed at a third of its TTL while the
 * tick runs and released (compare-and-delete) when it ends; a crashed holder blocks for one TTL.
 */
export function storeRunCoordinator(
  store: Store,
  logger: Logger,
  lockKey = "cron:coachbot-tick",
): RunCoordinator {
  const held = new Map<string, { token: string; renewal: NodeJS.Timeout }>();
  return {
    async shouldRun(key, ttlMs) {
      const token = await store.acquireLock(lockKey, ttlMs);
      if (token === null) return false;
      const renewal = setInterval(() => {
        store.renewLock(lockKey, token, ttlMs).then(
          (kept) => {
            if (kept) return;
            clearInterval(renewal);
            logger.warn({ key }, "tick lease lost while running: another instance may start a tick");
          },
          (err: unknown) => logger.warn({ key, err }, "tick lease renewal failed; retrying"),
        );
      }, ttlMs / 3);
      // The timer only guards a running tick; it must not keep a stopping process alive.
      renewal.unref();
      held.set(key, { token, renewal });
      return true;
    },
    async onComplete(key) {
      const lease = held.get(key);
      if (!lease) return;
      held.delete(key);
      clearInterval(lease.renewal);
      await store.releaseLock(lockKey, lease.token);
    },
  };
}

/** node-cron's own warnings (missed executions, overlaps) go to our log. */
function cronLogger(logger: Logger): CronLogger {
  const text = (m: string | Error) => (typeof m === "string" ? m : m.message);
  return {
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m, err) => logger.error({ err: err ?? m }, text(m)),
    debug: (m, err) => logger.debug({ err }, text(m)),
  };
}
