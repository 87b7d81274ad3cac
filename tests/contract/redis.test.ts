// The Store contract on the real Redis (TEST_REDIS_URL), plus the cluster-slot layout of district keys.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cycle } from "../../src/domain/model.js";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import { storeContract } from "./store.contract.js";

const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const runPrefix = `cbtest:${randomBytes(6).toString("hex")}:`;
let client: Redis;
let stores = 0;
const freshPrefix = () => `${runPrefix}${++stores}:`;

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

async function deleteUnder(prefix: string): Promise<void> {
  const keys = await keysUnder(prefix);
  if (keys.length > 0) await client.del(...keys);
}

beforeAll(async () => {
  // Fails loudly instead of skipping: CI must never go green without having run this suite.
  client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`Redis not reachable at ${url} (${(err as Error).message}): start redis-server`);
  }
});

afterAll(async () => {
  if (client?.status !== "ready") return;
  await deleteUnder(runPrefix);
  await client.quit();
});

// The shared connection is the "existing client" path: close() must leave it open for the next test.
storeContract(
  "redis",
  async () => openRedisStore({ client, prefix: freshPrefix() }),
  () => deleteUnder(runPrefix),
);

describe("Redis store", () => {
  it("writes every key of a district's ChangeSet under that district's hash tag", async () => {
    const prefix = freshPrefix();
    const store = openRedisStore({ client, prefix });
    const at = Date.UTC(2026, 8, 14);
    await store.apply({
      districtId: "hillcrest",
      cycles: [
        {
          cycle: {
            id: "c1",
            groupId: "g1",
            districtId: "hillcrest",
            seq: 1,
            observerId: "ann",
            observedId: "bob",
            focus: "Feedback",
            state: "prompted",
            promptedAt: new Date(at).toISOString(),
            reschedules: 0,
            nudges: 0,
            updatedAt: new Date(at).toISOString(),
            version: 0,
          },
          expectedVersion: 0,
        },
      ],
      feedback: [
        {
          cycleId: "c1",
          districtId: "hillcrest",
          coachId: "ann",
          teacherId: "bob",
          focus: "Feedback",
          evidence: ["video"],
          glow: "g",
          grow: "g",
          nextStep: "none",
          observedAt: new Date(at).toISOString(),
          givenAt: new Date(at).toISOString(),
        },
      ],
      contacts: [
        {
          id: "k1",
          districtId: "hillcrest",
          loggedBy: "fay",
          date: "2026-09-14",
          mode: "written",
          setting: "virtual",
          topics: ["other"],
          loggedAt: new Date(at).toISOString(),
        },
      ],
      due: [{ key: "remind:c1", districtId: "hillcrest", atMs: at, kind: "remind", payload: {} }],
      outbox: [{ key: "m1", districtId: "hillcrest", to: { person: "bob" }, message: {}, notBeforeMs: at }],
    });
    await store.claimOutbox(at, 10, 1_000);
    const keys = await keysUnder(prefix);
    const districtKeys = keys.filter((key) => key !== `${prefix}districts`);
    expect(districtKeys.length).toBeGreaterThanOrEqual(8);
    for (const key of districtKeys) expect(key.startsWith(`${prefix}{hillcrest}:`), key).toBe(true);
    expect(await client.smembers(`${prefix}districts`)).toEqual(["hillcrest"]);
    await store.close();
  });

  it("adds the cycles written before the touched index existed to it, once, on the first read", async () => {
    const prefix = freshPrefix();
    const writer = openRedisStore({ client, prefix });
    const at = (h: number) => new Date(Date.UTC(2026, 9, 1) + h * 3_600_000).toISOString();
    const cycle = (id: string, over: Partial<Cycle>): Cycle => ({
      id,
      groupId: "g1",
      districtId: "hillcrest",
      seq: 1,
      observerId: "ann",
      observedId: "bob",
      focus: "Feedback",
      state: "scheduled",
      promptedAt: at(-500),
      reschedules: 0,
      nudges: 0,
      updatedAt: at(-400),
      version: 0,
      ...over,
    });
    await writer.apply({
      districtId: "hillcrest",
      cycles: [
        cycle("quiet", {}),
        cycle("booked-late", { scheduledAt: at(5) }),
        cycle("moved-late", { updatedAt: at(0) }),
      ].map((c) => ({ cycle: c, expectedVersion: 0 })),
    });
    // As an earlier version left the district: no touched index at all.
    const touchedKey = `${prefix}{hillcrest}:cycles:touched`;
    await client.del(touchedKey, `${touchedKey}:complete`);
    // A cycle written by this version before the first read is indexed already; the backfill keeps it.
    await writer.apply({
      districtId: "hillcrest",
      cycles: [{ cycle: cycle("quiet", { updatedAt: at(2), nudges: 1, version: 1 }), expectedVersion: 1 }],
    });
    const reader = openRedisStore({ client, prefix });
    const ids = async (store: Store) =>
      (await store.cyclesTouchedInDistrict("hillcrest", at(0), at(24))).map((c) => c.id);
    expect(await ids(reader)).toEqual(["booked-late", "moved-late", "quiet"]);
    expect(await client.zscore(touchedKey, "quiet")).toBe(`${Date.parse(at(2))}`);
    expect(await client.zcard(touchedKey)).toBe(3);
    expect(await client.exists(`${touchedKey}:complete`)).toBe(1);
    // Marked complete: another process reads the index as it is, without going through the cycles again.
    await client.zrem(touchedKey, "moved-late");
    expect(await ids(openRedisStore({ client, prefix }))).toEqual(["booked-late", "quiet"]);
    await Promise.all([writer.close(), reader.close()]);
  });

  it("refuses a district id that would break the hash tag", async () => {
    const store = openRedisStore({ client, prefix: freshPrefix() });
    await expect(store.getCycle("a}b", "c1")).rejects.toThrow(/must not contain/);
  });

  it("shares due items between processes: two stores on one prefix never take the same item", async () => {
    const prefix = freshPrefix();
    const [a, b]: Store[] = [openRedisStore({ url, prefix }), openRedisStore({ url, prefix })];
    const at = Date.UTC(2026, 8, 14);
    await a!.apply({
      districtId: "hillcrest",
      due: Array.from({ length: 30 }, (_, i) => ({
        key: `k${i}`,
        districtId: "hillcrest",
        atMs: at + i,
        kind: "remind",
        payload: { i },
      })),
    });
    const rounds = await Promise.all([a, b, a, b].map((store) => store!.takeDue(at + 100, 10, 60_000)));
    const keys = rounds.flat().map((item) => item.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(30);
    await Promise.all([a!.close(), b!.close()]);
  });

  it("forwards connection errors to onError and rejects ping when Redis is gone", async () => {
    const errors: Error[] = [];
    const store = openRedisStore({ url: "redis://127.0.0.1:1", onError: (err) => errors.push(err) });
    await expect(store.ping()).rejects.toThrow();
    expect(errors.length).toBeGreaterThan(0);
    await store.close().catch(() => {});
  });
});
