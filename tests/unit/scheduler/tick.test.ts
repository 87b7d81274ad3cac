import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Cycle } from "../../../src/domain/model.js";
import { createMetrics } from "../../../src/metrics.js";
import { type DueHandler, runTick } from "../../../src/scheduler/tick.js";
import type { DueItem, NewOutboxEntry, Store } from "../../../src/store/port.js";
import { captureLogger, openTempStore, T0 } from "./fixtures.js";

const D = "hillcrest";
const LEASE = 60_000;

function due(key: string, atMs: number, kind = "remind"): DueItem {
  return { key, districtId: D, atMs, kind, payload: { cycleId: key } };
}

function nudge(key: string): NewOutboxEntry {
  return {
    key,
    districtId: D,
    to: { person: "ana@hillcrest.org" },
    message: { key, summary: "hi", blocks: [] },
    notBeforeMs: T0,
  };
}

/** A handler that sends one message per item and schedules the next occurrence a day later. */
const remind: DueHandler = async (item) => ({
  districtId: item.districtId,
  outbox: [nudge(`nudge:${item.key}:${item.atMs}`)],
  due: [{ ...item, atMs: item.atMs + 86_400_000 }],
});

let store: Store;
let dispose: () => Promise<void>;
beforeEach(() => {
  ({ store, dispose } = openTempStore());
});
afterEach(() => dispose());

describe("runTick", () => {
  it("runs only what is due, even among 10,000 future items", async () => {
    const future = Array.from({ length: 10_000 }, (_, i) => due(`future:${i}`, T0 + 60_000 + i));
    const dueNow = Array.from({ length: 5 }, (_, i) => due(`now:${i}`, T0 - i));
    await store.apply({ districtId: D, due: [...future, ...dueNow] });
    const handler = vi.fn<DueHandler>(async () => null);
    const takeDue = vi.spyOn(store, "takeDue");

    const report = await runTick(
      { store, handlers: { remind: handler }, logger: captureLogger().logger },
      new Date(T0),
    );

    expect(handler).toHaveBeenCalledTimes(5);
    expect(handler.mock.calls.map(([item]) => item.key).sort()).toEqual(dueNow.map((d) => d.key));
    expect(report).toMatchObject({ taken: 5, completed: 5, failed: 0 });
    expect(takeDue).toHaveBeenCalledTimes(1);
    expect(await store.countDue()).toBe(10_000);
  });

  it("takes batch after batch until a batch comes back short", async () => {
    await store.apply({ districtId: D, due: Array.from({ length: 5 }, (_, i) => due(`now:${i}`, T0)) });
    const takeDue = vi.spyOn(store, "takeDue");

    const report = await runTick(
      { store, handlers: { remind: async () => null }, logger: captureLogger().logger },
      new Date(T0),
      { limit: 2 },
    );

    expect(takeDue).toHaveBeenCalledTimes(3);
    expect(report).toMatchObject({ taken: 5, completed: 5 });
    expect(await store.countDue()).toBe(0);
  });

  it("applies the handler's ChangeSet and keeps the next occurrence it re-added under the same key", async () => {
    await store.apply({ districtId: D, due: [due("remind:c1", T0)] });
    const metrics = createMetrics();

    const report = await runTick(
      { store, handlers: { remind }, logger: captureLogger().logger, metrics },
      new Date(T0),
    );

    expect(report.outbox.map((e) => e.key)).toEqual([`nudge:remind:c1:${T0}`]);
    expect(await store.getOutbox(D, `nudge:remind:c1:${T0}`)).toMatchObject({ state: "pending" });
    expect(await store.getDue(D, "remind:c1")).toMatchObject({ atMs: T0 + 86_400_000 });
    expect(
      (await metrics.tickSeconds.get()).values.find((v) => v.metricName?.endsWith("_count"))?.value,
    ).toBe(1);
  });

  it("enqueues each outbox key once when a crash replays an item (applied, never completed)", async () => {
    await store.apply({ districtId: D, due: [due("remind:c1", T0), due("remind:c2", T0)] });
    // One-shot: had it re-added itself, the apply would already have moved it past the crash.
    const handler = vi.fn<DueHandler>(async (item) => ({
      districtId: D,
      outbox: [nudge(`nudge:${item.key}`)],
    }));
    const crashing: Store = { ...store, completeDue: async () => Promise.reject(new Error("process died")) };

    const first = await runTick(
      { store: crashing, handlers: { remind: handler }, logger: captureLogger().logger },
      new Date(T0),
      {
        leaseMs: LEASE,
      },
    );
    expect(first).toMatchObject({ taken: 2, completed: 0, failed: 2 });
    // Still leased: nothing comes back before the lease passes.
    expect(
      (
        await runTick(
          { store, handlers: { remind: handler }, logger: captureLogger().logger },
          new Date(T0 + 1_000),
        )
      ).taken,
    ).toBe(0);

    const replay = await runTick(
      { store, handlers: { remind: handler }, logger: captureLogger().logger },
      new Date(T0 + LEASE),
    );

    expect(replay).toMatchObject({ taken: 2, completed: 2, failed: 0 });
    expect(handler).toHaveBeenCalledTimes(4);
    expect(await store.outboxCounts()).toEqual({ pending: 2, sent: 0, dead: 0 });
    expect((await store.listOutbox("pending", 10)).map((e) => e.key).sort()).toEqual([
      "nudge:remind:c1",
      "nudge:remind:c2",
    ]);
  });

  it("leaves a failing item leased, logs its key, and gets it back after the lease", async () => {
    await store.apply({ districtId: D, due: [due("remind:c1", T0)] });
    const log = captureLogger();
    const handler = vi
      .fn<DueHandler>()
      .mockRejectedValueOnce(new Error("roster unavailable"))
      .mockResolvedValue(null);

    const failed = await runTick({ store, handlers: { remind: handler }, logger: log.logger }, new Date(T0), {
      leaseMs: LEASE,
    });

    expect(failed).toMatchObject({ taken: 1, completed: 0, failed: 1 });
    expect(log.lines().find((l) => l.level === 50)).toMatchObject({
      key: "remind:c1",
      err: { message: "roster unavailable" },
    });
    expect(await store.countDue()).toBe(1);
    expect(
      (await runTick({ store, handlers: { remind: handler }, logger: log.logger }, new Date(T0 + LEASE - 1)))
        .taken,
    ).toBe(0);
    expect(
      await runTick({ store, handlers: { remind: handler }, logger: log.logger }, new Date(T0 + LEASE)),
    ).toMatchObject({
      taken: 1,
      completed: 1,
    });
    expect(await store.countDue()).toBe(0);
  });

  it("treats a stale cycle version (STORE_CONFLICT) as a failure to retry, writing nothing", async () => {
    await store.apply({ districtId: D, due: [due("remind:c1", T0)] });
    const log = captureLogger();
    const stale: DueHandler = async () => ({
      districtId: D,
      cycles: [{ cycle: { id: "c1", districtId: D } as Cycle, expectedVersion: 3 }],
      outbox: [nudge("nudge:c1")],
    });

    const report = await runTick({ store, handlers: { remind: stale }, logger: log.logger }, new Date(T0));

    expect(report).toMatchObject({ taken: 1, completed: 0, failed: 1 });
    expect(log.lines().find((l) => l.level === 40)).toMatchObject({
      key: "remind:c1",
      err: { code: "STORE_CONFLICT" },
    });
    expect(await store.getOutbox(D, "nudge:c1")).toBeNull();
    expect(await store.countDue()).toBe(1);
  });

  it("logs and completes an item of a kind nobody handles", async () => {
    await store.apply({ districtId: D, due: [due("mystery:1", T0, "retired-kind")] });
    const log = captureLogger();

    const report = await runTick({ store, handlers: { remind }, logger: log.logger }, new Date(T0));

    expect(report).toMatchObject({ taken: 1, completed: 0, unknownKind: 1, failed: 0 });
    expect(log.lines().find((l) => l.level === 50)).toMatchObject({ key: "mystery:1", kind: "retired-kind" });
    expect(await store.countDue()).toBe(0);
  });

  it("dry run reports what would be enqueued and writes nothing", async () => {
    await store.apply({
      districtId: D,
      due: [due("remind:c1", T0), due("remind:c2", T0), due("later", T0 + 1)],
    });
    const countsBefore = await store.outboxCounts();

    const report = await runTick(
      { store, handlers: { remind }, logger: captureLogger().logger },
      new Date(T0),
      { dryRun: true },
    );

    expect(report).toMatchObject({ taken: 2, completed: 0, failed: 0 });
    expect(report.outbox.map((e) => e.key)).toEqual([`nudge:remind:c1:${T0}`, `nudge:remind:c2:${T0}`]);
    expect(await store.countDue()).toBe(3);
    expect(await store.outboxCounts()).toEqual(countsBefore);
    // Nothing was leased either: a real tick still finds both.
    expect(
      (await runTick({ store, handlers: { remind }, logger: captureLogger().logger }, new Date(T0))).taken,
    ).toBe(2);
  });

  it("overlaps different districts' items, and runs one district's items one at a time, in order", async () => {
    const items = ["north", "south", "east"].flatMap((d) =>
      [0, 1, 2].map((i) => ({ ...due(`${d}:${i}`, T0 + i), districtId: d })),
    );
    for (const d of ["north", "south", "east"])
      await store.apply({ districtId: d, due: items.filter((i) => i.districtId === d) });
    const running = new Map<string, number>();
    const order: string[] = [];
    let mostAtOnce = 0;
    const handler: DueHandler = async (item) => {
      const n = (running.get(item.districtId) ?? 0) + 1;
      running.set(item.districtId, n);
      expect(n).toBe(1);
      mostAtOnce = Math.max(
        mostAtOnce,
        [...running.values()].reduce((a, b) => a + b, 0),
      );
      await new Promise((r) => setTimeout(r, 5));
      order.push(item.key);
      running.set(item.districtId, n - 1);
      return null;
    };

    const report = await runTick(
      { store, handlers: { remind: handler }, logger: captureLogger().logger },
      new Date(T0 + 10),
    );

    expect(report).toMatchObject({ taken: 9, completed: 9, failed: 0 });
    expect(mostAtOnce).toBe(3);
    for (const d of ["north", "south", "east"])
      expect(order.filter((k) => k.startsWith(d))).toEqual([0, 1, 2].map((i) => `${d}:${i}`));
  });

  it("lets the event loop turn between batches, though the embedded store's awaits are all microtasks", async () => {
    await store.apply({ districtId: D, due: Array.from({ length: 6 }, (_, i) => due(`now:${i}`, T0)) });
    const seen: number[] = [];
    let handled = 0;
    let watching = true;
    // An I/O callback's stand-in: it can run only when the loop turns.
    const watch = () => {
      seen.push(handled);
      if (watching) setImmediate(watch);
    };
    setImmediate(watch);

    try {
      await runTick(
        {
          store,
          handlers: {
            remind: async () => {
              handled++;
              return null;
            },
          },
          logger: captureLogger().logger,
        },
        new Date(T0),
        { limit: 2 },
      );
    } finally {
      watching = false;
    }

    // The loop turned while the tick was part-way through, not only before or after it.
    expect(seen.some((n) => n > 0 && n < 6)).toBe(true);
  });
});
