// Three service instances (`coachbot start`, SCHEDULER=on) share one Redis and run 20 ticks, each
// told to run every tick at the same instant at once (the local chat's time travel: `tick --now`
// inside the running service), while their delivery loops and coordinated cron ticks run too. A new
// district starts school on each tick's day, so every tick has prompts due, besides the nudges and
// closings of the districts before it. Every message reaches Slack exactly once: posted once, or
// (a card closed) updated in place once.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import type { Message } from "../../src/ui/model.js";
import { FakeSlack } from "../fixtures/fake-slack.js";
import { eventually } from "../integration/slack/harness.js";
import { deleteUnder } from "./redis-server.js";
import { type Coachbot, startCoachbot, tickAt } from "./service.js";
import { acceptedPosts, addWorkspaces, makeWorld, repeated, seedStore, slackEnv } from "./world.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const TICKS = 20;
const INSTANCES = 3;

/** The first 20 weekdays from Monday 2026-10-05, at noon UTC: one tick each. */
const DAYS = Array.from({ length: 28 }, (_, i) => new Date(Date.UTC(2026, 9, 5 + i)))
  .filter((d) => d.getUTCDay() % 6 !== 0)
  .slice(0, TICKS)
  .map((d) => d.toISOString().slice(0, 10));
const world = makeWorld({ districts: TICKS, people: 20, firstDay: (d) => DAYS[d]!, observeEvery: "1 weeks" });

describe("three instances on one Redis", () => {
  const prefix = `cbfault:${randomBytes(4).toString("hex")}:`;
  let dir: string;
  let fake: FakeSlack;
  let store: Store;
  let services: Coachbot[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-three-"));
    fake = await FakeSlack.start();
    addWorkspaces(fake, world);
    writeFileSync(join(dir, "roster.yaml"), world.roster);
    store = openRedisStore({ url: REDIS_URL, prefix });
    // Before the first district's first day: its prompts are due on the first tick.
    await seedStore(store, world, `${DAYS[0]}T05:00:00Z`);
    const env = {
      ...slackEnv(fake),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      ROSTER_FILE: join(dir, "roster.yaml"),
      SCHEDULER: "on",
    };
    services = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => startCoachbot(env, join(dir, `service-${i}.log`))),
    );
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    await store?.close();
    await fake?.close();
    await deleteUnder(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers every message of 20 ticks exactly once", async () => {
    const started = Date.now();
    const enqueued: number[] = [];
    for (const day of DAYS) {
      const before = total(await store.outboxCounts());
      const answers = await Promise.all(services.map((s) => tickAt(s, `${day}T12:00:00Z`)));
      expect(answers.map((a) => a.status)).toEqual(services.map(() => 200));
      enqueued.push(total(await store.outboxCounts()) - before);
    }
    // 20 school days pass in seconds, so the first districts' workspaces may meet our own limit of
    // 100 posts a minute per workspace (per instance): what is over waits out the window, uncounted.
    await eventually(async () => (await store.outboxCounts()).pending === 0, 120_000);

    const counts = await store.outboxCounts();
    const sent = await store.listOutbox("sent", counts.sent + 1);
    // An entry that replaces an earlier message is delivered as chat.update of that message, in place.
    const refs = new Map(sent.map((e) => [e.key, e.platformRef]));
    const updated = sent.filter((e) => {
      const replaces = (e.message as Message).replaces;
      return replaces !== undefined && refs.get(replaces) === e.platformRef;
    });
    const posted = new Set(sent.filter((e) => !updated.includes(e)).map((e) => e.key));
    const posts = acceptedPosts(fake);
    const updates = fake.callsTo("chat.update").length;
    console.log(
      `${INSTANCES} instances, ${TICKS} ticks in ${Date.now() - started} ms: ${posts.total} posts and ` +
        `${updates} updates for ${counts.sent} entries; enqueued per tick ${enqueued.join(" ")}`,
    );
    expect(enqueued.filter((n) => n === 0)).toEqual([]);
    expect(counts).toMatchObject({ pending: 0, dead: 0 });
    expect(repeated(posts.byKey)).toEqual([]);
    expect(new Set(posts.byKey.keys())).toEqual(posted);
    expect(updates).toBe(updated.length);
  }, 600_000);
});

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
