import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startScheduler, storeRunCoordinator } from "../../../src/scheduler/cron.js";
import type { Store } from "../../../src/store/port.js";
import { captureLogger, openTempStore } from "./fixtures.js";

let store: Store;
let dispose: () => Promise<void>;
beforeEach(() => {
  ({ store, dispose } = openTempStore());
});
afterEach(() => dispose());

const FIRE = "coachbot-tick:2026-03-02T13:00:00.000Z";
const NEXT_FIRE = "coachbot-tick:2026-03-02T13:01:00.000Z";

describe("storeRunCoordinator", () => {
  it("elects one of two instances; the other may run once the first completes", async () => {
    const a = storeRunCoordinator(store, captureLogger().logger);
    const b = storeRunCoordinator(store, captureLogger().logger);

    expect(await a.shouldRun(FIRE, 30_000)).toBe(true);
    expect(await b.shouldRun(FIRE, 30_000)).toBe(false);
    // While a tick runs, the next fire is kept out too.
    expect(await b.shouldRun(NEXT_FIRE, 30_000)).toBe(false);

    await a.onComplete?.(FIRE);
    expect(await b.shouldRun(NEXT_FIRE, 30_000)).toBe(true);
    expect(await a.shouldRun(NEXT_FIRE, 30_000)).toBe(false);
    await b.onComplete?.(NEXT_FIRE);
  });

  it("renews the lease while a long tick runs, so it outlives its TTL", async () => {
    const renew = vi.spyOn(store, "renewLock");
    const a = storeRunCoordinator(store, captureLogger().logger);
    const b = storeRunCoordinator(store, captureLogger().logger);

    expect(await a.shouldRun(FIRE, 300)).toBe(true);
    await delay(700);

    expect(renew.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(await b.shouldRun(FIRE, 300)).toBe(false);
    await a.onComplete?.(FIRE);
    const renewals = renew.mock.calls.length;
    await delay(250);
    expect(renew.mock.calls.length).toBe(renewals);
    expect(await b.shouldRun(FIRE, 300)).toBe(true);
    await b.onComplete?.(FIRE);
  });

  it("releases only its own lease: a holder whose lease lapsed cannot free the next holder's", async () => {
    const a = storeRunCoordinator(store, captureLogger().logger);
    const b = storeRunCoordinator(store, captureLogger().logger);
    vi.spyOn(store, "renewLock").mockResolvedValue(false);

    expect(await a.shouldRun(FIRE, 100)).toBe(true);
    await delay(150);
    expect(await b.shouldRun(NEXT_FIRE, 30_000)).toBe(true);
    await a.onComplete?.(FIRE);

    expect(await storeRunCoordinator(store, captureLogger().logger).shouldRun(NEXT_FIRE, 30_000)).toBe(false);
    await b.onComplete?.(NEXT_FIRE);
  });
});

describe("startScheduler", () => {
  it("runs the tick on schedule, one at a time across instances, and stop() waits for the tick in flight", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    // Slower than the 1 s interval: overlap is possible unless prevented.
    const tick = async () => {
      runs++;
      most = Math.max(most, ++running);
      await delay(1_500);
      running--;
    };
    const instances = [1, 2].map(() => {
      const { logger } = captureLogger();
      return startScheduler({
        tick,
        cronExpression: "* * * * * *",
        coordinator: storeRunCoordinator(store, logger),
        logger,
      });
    });

    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(2), { timeout: 6_000, interval: 50 });
    await Promise.all(instances.map((s) => s.stop()));

    expect(most).toBe(1);
    expect(running).toBe(0);
  });

  it("logs a failing tick and keeps the schedule", async () => {
    const log = captureLogger();
    let runs = 0;
    const scheduler = startScheduler({
      tick: async () => {
        runs++;
        throw new Error("store unavailable");
      },
      cronExpression: "* * * * * *",
      logger: log.logger,
    });

    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(2), { timeout: 4_000, interval: 50 });
    await scheduler.stop();

    expect(log.lines().find((l) => l.msg === "scheduled tick failed")).toMatchObject({
      err: { message: "store unavailable" },
    });
  });
});
