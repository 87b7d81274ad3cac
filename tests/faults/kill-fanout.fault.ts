// Crash test for the fan-out: 2,000 people in 1,000 peer-to-peer groups, all due at once, so one
// tick sends 2,000 prompts. The service (`coachbot start`, on SQLite, then on Redis) is SIGKILLed
// ten times while it sends: at random moments, and right after Slack took a message but before
// the service heard back (the window where a restart would post it again). Each restart runs the
// tick a little later, as time goes on. At the end Slack received every prompt exactly once.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import { type FakeCall, FakeSlack } from "../fixtures/fake-slack.js";
import { eventually } from "../integration/slack/harness.js";
import { deleteUnder } from "./redis-server.js";
import { type Coachbot, startCoachbot, tickAt } from "./service.js";
import { acceptedPosts, addWorkspaces, keyOf, makeWorld, repeated, seedStore, slackEnv } from "./world.js";

const KILLS = 10;
const T0 = Date.parse("2026-11-30T12:00:00Z"); // a Monday, in the past: delivery runs on the wall clock
/** Past the 5-minute lease of the due items a killed tick had taken. */
const TICK_STEP_MS = 6 * 60_000;
const world = makeWorld({ districts: 40, people: 50, firstDay: () => "2026-08-17" });
const REDIS_URL = "redis://127.0.0.1:6379";
const prefix = `cbfault:${randomBytes(4).toString("hex")}:`;

/** Where the service keeps its state: its environment, and the test's own view of that store. */
const BACKENDS: Record<string, (dir: string) => { env: Record<string, string>; open(): Store }> = {
  sqlite: (dir) => ({ env: { DATA_DIR: dir }, open: () => openSqliteStore(join(dir, "coachbot.db")) }),
  redis: () => ({
    env: { REDIS_URL, REDIS_PREFIX: prefix },
    open: () => openRedisStore({ url: REDIS_URL, prefix }),
  }),
};

describe.each(Object.keys(BACKENDS))("SIGKILL during a 2,000-prompt fan-out on %s", (backend) => {
  let dir: string;
  let fake: FakeSlack;
  let env: Record<string, string>;
  let openStore: () => Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-fanout-"));
    fake = await FakeSlack.start();
    addWorkspaces(fake, world);
    writeFileSync(join(dir, "roster.yaml"), world.roster);
    const chosen = BACKENDS[backend]!(dir);
    openStore = chosen.open;
    const store = openStore();
    await seedStore(store, world, new Date(T0).toISOString());
    await store.close();
    env = { ...slackEnv(fake), ...chosen.env, ROSTER_FILE: join(dir, "roster.yaml"), SCHEDULER: "on" };
  });
  afterAll(async () => {
    await fake?.close();
    await deleteUnder(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers every prompt exactly once across ten kills", async () => {
    const log = join(dir, "service.log");
    const started = Date.now();
    /** Keys Slack took from a process killed before it could hear the answer. */
    const unanswered: { key: string; ts: string }[] = [];
    const kills: string[] = [];

    for (let round = 0; round <= KILLS; round++) {
      const service = await startCoachbot(env, log);
      void tickAt(service, new Date(T0 + round * TICK_STEP_MS).toISOString());
      if (round === KILLS) {
        await finish(service);
        break;
      }
      kills.push(await killDuringFanOut(service, round % 2 === 1, unanswered));
    }

    const store = openStore();
    try {
      const posts = acceptedPosts(fake);
      const history = fake.callsTo("conversations.history").length;
      console.log(
        `${backend}: ${posts.total} posts for ${world.people} people in ${Date.now() - started} ms; ` +
          `kills: ${kills.join(", ")}; ${history} history reads`,
      );
      expect(repeated(posts.byKey)).toEqual([]);
      expect(repeated(posts.byChannel)).toEqual([]);
      expect(posts.byChannel.size).toBe(world.people);
      expect(posts.total).toBe(world.people);
      expect(await store.outboxCounts()).toEqual({ pending: 0, sent: world.people, dead: 0 });
      // Every kill hit a process that was sending.
      expect(kills.filter((k) => k === "never sent")).toEqual([]);
      // What Slack took from a dying process was found in the conversation and recorded, not posted again.
      expect(unanswered.length).toBeGreaterThan(0);
      for (const { key, ts } of unanswered) {
        const [entry] = (await store.listOutbox("sent", world.people)).filter((e) => e.key === key);
        expect(entry?.platformRef, key).toMatch(new RegExp(`:${ts.replace(".", "\\.")}$`));
        expect(entry?.attempts, key).toBeGreaterThan(1);
      }
    } finally {
      await store.close();
    }
  }, 600_000);

  /** Ten runs of at most this many posts leave some of the 2,000 for every kill. */
  const MAX_POSTS_PER_RUN = 150;

  /**
   * Kills the service while it sends: `onAccept` right after Slack took its n-th message of this run
   * (before the answer goes back; or when it falls quiet first), otherwise at a random moment after
   * its first post (at the latest at its 150th). A run may first wait up to a minute for the leases
   * of killed runs to pass.
   */
  async function killDuringFanOut(
    service: Coachbot,
    onAccept: boolean,
    unanswered: { key: string; ts: string }[],
  ): Promise<string> {
    const nth = 1 + Math.floor(Math.random() * MAX_POSTS_PER_RUN);
    const afterMs = Math.floor(Math.random() * 2_500);
    let seen = 0;
    let how = "never sent";
    let quiet: NodeJS.Timeout | undefined;
    let later: NodeJS.Timeout | undefined;
    const kill = () => {
      fake.beforeReply = undefined;
      clearTimeout(quiet);
      clearTimeout(later);
      void service.kill();
    };
    const giveUp = setTimeout(kill, 90_000);
    fake.beforeReply = (call: FakeCall) => {
      if (call.method !== "chat.postMessage" || call.error) return;
      seen++;
      if (onAccept && seen === nth) {
        how = `after post ${nth}`;
        const ts = String(fake.channel(String(call.args.channel)).at(-1)?.ts);
        unanswered.push({ key: keyOf(call.args)!, ts });
        kill();
        // The answer never goes back: the process is gone.
        return new Promise<undefined>(() => {});
      }
      if (onAccept) {
        clearTimeout(quiet);
        quiet = setTimeout(() => {
          how = `after post ${seen} (the last of this run)`;
          kill();
        }, 2_000);
      } else if (seen === 1) {
        how = `${afterMs} ms into sending`;
        later = setTimeout(kill, afterMs);
      } else if (seen === MAX_POSTS_PER_RUN) {
        // However fast delivery gets, each run leaves work for the runs after it to be killed in.
        how = `${MAX_POSTS_PER_RUN} posts into sending`;
        kill();
      }
    };
    await service.exited;
    clearTimeout(giveUp);
    return how;
  }

  /** The last run: waits until nothing is pending (leases of killed runs pass after a minute), then stops. */
  async function finish(service: Coachbot): Promise<void> {
    const store = openStore();
    try {
      await eventually(async () => {
        const counts = await store.outboxCounts();
        return counts.pending === 0 && counts.sent + counts.dead >= world.people;
      }, 240_000);
    } finally {
      await store.close();
      await service.kill("SIGTERM");
    }
  }
});
