// Redis goes away for 10 s under traffic: killed and restarted, or frozen (the process stopped with
// its connections open, like a hung host) and resumed. It is a private redis-server this test
// controls, never the shared one. The service (`coachbot start`) must stay alive: /healthz answers
// 200 throughout, /readyz 503 while Redis is gone and 200 again by itself after; a form submission
// meanwhile gets an error in bounded time, and every submission that got a success is in the store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedisStore } from "../../src/store/redis.js";
import { eventually } from "../integration/slack/harness.js";
import { PrivateRedis } from "./redis-server.js";
import { type Coachbot, call, startCoachbot } from "./service.js";

const PORT = 6390;
const OUTAGE_MS = 10_000;
const FACILITATOR = "denise.whitfield@rpdc.example.org"; // the demo roster's CST facilitator
const WORKERS = 4;

interface Submission {
  n: number;
  at: number;
  status: number;
  ms: number;
}
interface Probe {
  at: number;
  health: number;
  ready: number;
}

describe("Redis outage", () => {
  let dir: string;
  let redis: PrivateRedis;
  let service: Coachbot;
  let next = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-redis-outage-"));
    redis = new PrivateRedis(PORT, dir);
    await redis.start();
    service = await startCoachbot(
      { REDIS_URL: redis.url, SCHEDULER: "on", CLOCK: "manual" },
      join(dir, "service.log"),
    );
  });
  afterAll(async () => {
    await service?.kill();
    redis?.thaw();
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A CST contact, told apart from the others by its next step. */
  const submit = (n: number) =>
    call(`${service.url}/local/api/submit`, {
      body: {
        as: FACILITATOR,
        form: "cst.checkin",
        context: "",
        values: {
          district: "prairie-valley",
          date: "2026-09-15",
          mode: "verbal",
          setting: "virtual",
          topics: ["dci-practices"],
          nextStep: `submission ${n}`,
        },
      },
      ms: 30_000,
    });

  /** Submissions from WORKERS loops and a health/readiness probe every 200 ms, around `outage`. */
  async function underTraffic(name: string, outage: { begin(): Promise<void>; end(): Promise<void> }) {
    const submissions: Submission[] = [];
    const probes: Probe[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const n = ++next;
        const at = Date.now();
        const { status, ms } = await submit(n);
        submissions.push({ n, at, status, ms });
        await delay(50);
      }
    };
    const prober = async () => {
      while (running) {
        const at = Date.now();
        const [health, ready] = await Promise.all([
          call(`${service.url}/healthz`, { ms: 2_000 }),
          call(`${service.url}/readyz`, { ms: 3_000 }),
        ]);
        probes.push({ at, health: health.status, ready: ready.status });
        await delay(200);
      }
    };
    const traffic = Promise.all([prober(), ...Array.from({ length: WORKERS }, worker)]);

    await delay(3_000);
    const down = Date.now();
    await outage.begin();
    await delay(OUTAGE_MS);
    const up = Date.now();
    await outage.end();
    const ready = await eventually(() => probes.find((p) => p.at > up && p.ready === 200), 60_000);
    await delay(3_000);
    running = false;
    await traffic;

    // Made and answered while Redis was away (one made late may wait for it and succeed: then it is written).
    const during = submissions.filter((s) => s.at > down + 500 && s.at + s.ms < up);
    const after = submissions.filter((s) => s.at > ready.at);
    const succeeded = submissions.filter((s) => s.status === 200).map((s) => s.n);
    const statuses = [...new Set(during.map((s) => s.status))].join("/");
    console.log(
      `${name}: ${up - down} ms; ready again ${ready.at - up} ms after; ${submissions.length} submissions, ` +
        `${succeeded.length} succeeded; ${during.length} made during it answered ${statuses} ` +
        `in at most ${Math.max(...during.map((s) => s.ms))} ms; ` +
        `slowest answer ${Math.max(...submissions.map((s) => s.ms))} ms`,
    );

    expect(service.alive()).toBe(true);
    expect(probes.filter((p) => p.health !== 200)).toEqual([]);
    // /readyz waits up to 1 s for Redis: these probes began and ended while it was away.
    const whileDown = probes.filter((p) => p.at > down + 1_000 && p.at < up - 1_000);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((p) => p.ready !== 503)).toEqual([]);
    // An error while Redis is away, never a success, and no request left hanging.
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => s.status === 200 || s.status === 0)).toEqual([]);
    expect(submissions.filter((s) => s.ms > 6_000)).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.status !== 200)).toEqual([]);

    const store = openRedisStore({ url: redis.url });
    try {
      const logged = new Set((await store.contactsForDistrict("prairie-valley")).map((c) => c.nextStep));
      expect(succeeded.filter((n) => !logged.has(`submission ${n}`))).toEqual([]);
      // Not required either way: a refused write may still land, once Redis reads what it was sent.
      const landed = submissions.filter((s) => s.status !== 200 && logged.has(`submission ${s.n}`));
      console.log(`${name}: ${landed.length} of the refused submissions were written after all`);
    } finally {
      await store.close();
    }
  }

  it("survives Redis being killed and restarted", async () => {
    await underTraffic("killed", { begin: () => redis.kill(), end: () => redis.start() });
  });

  it("survives Redis freezing with its connections open", async () => {
    await underTraffic("frozen", {
      begin: async () => redis.freeze(),
      end: async () => redis.thaw(),
    });
  });
});
