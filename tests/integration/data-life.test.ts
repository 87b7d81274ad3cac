import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackPeople } from "../../adapters/slack/people.js";
import { personalKey, type StoredConversation, TeamsDirectory } from "../../adapters/teams/directory.js";
import { exportPersonCommand, forgetCommand } from "../../src/cli/person-data.js";
import { purgeCommand } from "../../src/cli/purge.js";
import type { Feedback } from "../../src/domain/model.js";
import { RosterIndex } from "../../src/domain/roster-index.js";
import { LinkSigner } from "../../src/links.js";
import { createLogger } from "../../src/log.js";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { WorkflowDeps } from "../../src/workflows/deps.js";
import { composeDigest, parseScope } from "../../src/workflows/digest/compose.js";
import { monthPeriod } from "../../src/workflows/periods.js";
import { seedRetentionSchedules } from "../../src/workflows/retention.js";
import { type LocalService, startLocalService } from "../helpers/local-service.js";

// Export, forget and the end-of-year purge on the real service (local chat, manual clock), on
// SQLite and on Redis. Prairie Valley is in America/Chicago: CDT is UTC-5 until November.

const D = "prairie-valley";
const EMILY = "emily.tran@prairievalley.example.org";
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const KEVIN = "kevin.brooks@prairievalley.example.org";
const MARIA = "maria.esposito@prairievalley.example.org";
const C1 = "pv-grade3-peers-c1"; // Emily observes Jacob
const K1 = "pv-grade7-peers-c1"; // Kevin observes Maria
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const J = {
  note: "Bring the fraction strips to the back table please.",
  glow: "Your exit tickets on equivalent fractions showed every child's thinking within two minutes.",
  grow: "Give the quieter table group three seconds of wait time before taking answers.",
  nextStepNote: "I will model the wait-time routine during your math block on Friday.",
  reflection: "Tomorrow I will count to three silently and use name sticks at the back table.",
  draft: "A draft reflection typed into the card but never sent anywhere at all.",
};
const K = {
  note: "Second period, the lab at the end of the science hallway.",
  glow: "The success criteria on the board gave every group a target they could check.",
  grow: "Ask each group to explain one criterion back before they start working.",
  nextStepNote: "We will co-plan the criteria check for the next unit together.",
  reflection: "I will try the explain-back with the second period groups this week.",
};

type Texts = typeof K;

async function start(kind: "sqlite" | "redis", at: string) {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-data-life-"));
  const prefix = `cbdl:${randomBytes(4).toString("hex")}:`;
  // The manual clock is read from the store the service opens: set it there before it starts.
  const seed: Store =
    kind === "sqlite"
      ? openSqliteStore(join(dir, "coachbot.db"))
      : openRedisStore({ url: REDIS_URL, prefix });
  await seed.putDoc("clock", "now", { at });
  await seed.close();
  const env: Record<string, string> =
    kind === "sqlite" ? { DATA_DIR: dir } : { REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dir };
  const svc = await startLocalService(at, env);
  return { svc, dir, prefix };
}

function workflowsOf(store: Store): WorkflowDeps {
  return {
    store,
    roster: async () => new RosterIndex((await store.getRoster())!),
    links: new LinkSigner("data-life-test-secret-".repeat(2), "http://localhost"),
    // Nothing hidden: the comparison is of every figure.
    privacyMinGroup: 1,
  };
}

/** Who coaches whom in a cycle, and what they write. */
interface Pair {
  observer: string;
  observed: string;
  cycle: string;
  texts: Texts;
}
const EMILY_JACOB: Pair = { observer: EMILY, observed: JACOB, cycle: C1, texts: J };
const KEVIN_MARIA: Pair = { observer: KEVIN, observed: MARIA, cycle: K1, texts: K };

/** One whole cycle through the local chat: schedule, it happened, feedback, reflection, delivered. */
async function coach(svc: LocalService, pair: Pair, day: string, time: string) {
  const ctx = `${D}/${pair.cycle}`;
  const t = pair.texts;
  const focus = (await svc.store.getCycle(D, pair.cycle))!.focus;
  const scheduled = await svc.submit(pair.observer, "obs.schedule", ctx, { date: day, time, note: t.note });
  expect(scheduled.status).toBe(200);
  // "Did it happen?" goes out an hour after the start; CDT is UTC-5.
  const askAt = Date.parse(`${day}T${time}:00-05:00`) + 3_660_000;
  await svc.travel(new Date(askAt).toISOString());
  expect((await svc.action(pair.observer, "obs.happened", ctx)).body.reply.form?.id).toBe("fb.give");
  const values = { focus, evidence: ["observation"], glow: t.glow, grow: t.grow, nextStep: "modeling" };
  const given = await svc.submit(pair.observer, "fb.give", ctx, { ...values, nextStepNote: t.nextStepNote });
  expect(given.status).toBe(200);
  const reflected = await svc.submit(pair.observed, "fb.reflect", ctx, {
    reflection: t.reflection,
    usefulness: 4,
  });
  expect(reflected.status).toBe(200);
  await svc.travel(new Date(askAt + 120_000).toISOString());
}

/** Each digest (district and building, two months) as rendered: every figure and its change. */
async function digests(store: Store, now: Date) {
  const deps = workflowsOf(store);
  const roster = await deps.roster();
  const out: string[] = [];
  for (const scope of [`district:${D}`, "building:pv-elementary", "building:pv-middle"]) {
    for (const month of ["2026-09", "2026-10"]) {
      out.push(
        JSON.stringify(
          (await composeDigest(deps, parseScope(roster, scope)!, monthPeriod(month), now)).message,
        ),
      );
    }
  }
  return out;
}

async function cli(run: (out: (line: string) => void) => Promise<number>): Promise<string> {
  const lines: string[] = [];
  expect(await run((line) => lines.push(line))).toBe(0);
  return lines.join("\n");
}

const cliDeps = (store: Store, now: string) => ({
  workflows: workflowsOf(store),
  now: async () => new Date(now),
});

/** Every byte the store keeps: the SQLite file and its logs, or every key and value under the prefix. */
async function everything(kind: "sqlite" | "redis", dir: string, prefix: string): Promise<string> {
  if (kind === "sqlite") {
    return ["coachbot.db", "coachbot.db-wal", "coachbot.db-shm"]
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f).toString("latin1"))
      .join("\n");
  }
  const client = new Redis(REDIS_URL);
  try {
    const parts: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        const value =
          type === "string"
            ? await client.get(key)
            : type === "hash"
              ? await client.hgetall(key)
              : type === "zset"
                ? await client.zrange(key, 0, -1)
                : type === "set"
                  ? await client.smembers(key)
                  : await client.lrange(key, 0, -1);
        parts.push(key, JSON.stringify(value));
      }
    } while (cursor !== "0");
    return parts.join("\n");
  } finally {
    await client.quit();
  }
}

async function dropRedis(prefix: string) {
  const client = new Redis(REDIS_URL);
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
}

/** What the Slack and Teams adapters keep about a person, written by their own code. */
async function linkOnPlatforms(store: Store, person: string, slackId: string, tag: string) {
  const roster = async () => new RosterIndex((await store.getRoster())!);
  const workspaces = { teams: async () => ["T0DEMO"], client: async () => null, forget: async () => {} };
  await new SlackPeople(
    { store, roster, now: async () => new Date() },
    workspaces,
    createLogger("silent"),
  ).actor("T0DEMO", slackId);
  const teams = new TeamsDirectory(store);
  const aad = `aad-${tag}`;
  const chat = `a:${tag}-1on1`;
  await teams.link(aad, {
    personId: person,
    userId: `29:${tag}`,
    tenantId: "tenant-1",
    serviceUrl: "https://smba.example.org",
    botId: "28:coachbot",
  });
  const reference = {
    conversation: { id: chat, conversationType: "personal" },
    user: { id: `29:${tag}`, name: (await roster()).name(person), aadObjectId: aad },
  } as StoredConversation["reference"];
  await teams.saveConversation(personalKey(aad), { kind: "personal", tenantId: "tenant-1", reference });
  return { aad, chat };
}

describe.each(["sqlite", "redis"] as const)("export and forget one person (%s)", (kind) => {
  let svc: LocalService;
  let dir: string;
  let prefix: string;
  let before: string[];
  const NOW = "2026-10-01T15:00:00Z";

  beforeAll(async () => {
    ({ svc, dir, prefix } = await start(kind, "2026-09-13T23:00:00Z"));
    await svc.travel("2026-09-14T15:00:00Z"); // Monday 10:00: every group's first prompt is out
    await coach(svc, EMILY_JACOB, "2026-09-16", "09:30");
    await coach(svc, KEVIN_MARIA, "2026-09-17", "10:00");
    for (const who of [JACOB, EMILY])
      expect((await svc.command(who, "pause until 2026-12-01")).status).toBe(200);
    const { chat } = await linkOnPlatforms(svc.store, JACOB, "U0PVJWHIT", "jacob");
    await linkOnPlatforms(svc.store, EMILY, "U0PVETRAN", "emily");
    await new TeamsDirectory(svc.store).saveForm(chat, "act-1", {
      id: "fb.reflect",
      title: "Reflect on feedback",
      fields: [],
      submitLabel: "Send reflection",
      context: `${D}/${C1}`,
      values: { reflection: J.draft },
    });
    await svc.travel(NOW);
    before = await digests(svc.store, new Date(NOW));
  });
  afterAll(async () => {
    await svc?.close();
    if (kind === "redis") await dropRedis(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports everything held about the person, feedback text included, and nothing of anyone else's", async () => {
    const out = await cli((o) =>
      exportPersonCommand(
        { person: " Jacob.Whitehorse@PrairieValley.example.org " },
        cliDeps(svc.store, NOW),
        o,
      ),
    );
    const data = JSON.parse(out);
    expect(data.person).toBe(JACOB);
    expect(data.roster.entry).toMatchObject({ name: "Jacob Whitehorse", slackId: "U0PVJWHIT" });
    expect(data.roster.groups).toEqual([
      { id: "pv-grade3-peers", structure: "peer-to-peer", focus: "Feedback" },
    ]);
    expect(data.cycles.map((c: { id: string }) => c.id)).toEqual([C1]);
    expect(data.cycles[0]).toMatchObject({ observedId: JACOB, note: J.note, state: "reflected" });
    expect(data.feedback).toHaveLength(1);
    const { glow, grow, nextStepNote, reflection } = J;
    expect(data.feedback[0]).toMatchObject({
      glow,
      grow,
      nextStepNote,
      reflection,
      usefulness: 4,
      teacherId: JACOB,
    });
    expect(data.contacts).toEqual([]);
    expect(data.outbox.length).toBeGreaterThan(3);
    for (const e of data.outbox) expect(e.to).toEqual({ person: JACOB });
    const docs = data.docs.map((d: { ns: string; id: string }) => `${d.ns}/${d.id}`);
    expect(docs).toEqual(
      expect.arrayContaining([
        `person-state/${JACOB}`,
        `slack-people/${JACOB}`,
        "slack-users/T0DEMO:U0PVJWHIT",
        `teams-people/${JACOB}`,
        "teams-users/aad-jacob",
        "teams-conversations/personal:aad-jacob",
        "teams-forms/a:jacob-1on1|act-1",
      ]),
    );
    for (const doc of docs) expect(doc).toMatch(/^(local-inbox:jacob\.whitehorse@|[a-z-]+\/).*/);
    expect(docs.filter((d: string) => d.startsWith(`local-inbox:${JACOB}/`)).length).toBeGreaterThan(3);
    // Nothing of anyone else's: not Kevin's and Maria's cycle, not Emily's documents.
    for (const other of [
      KEVIN,
      MARIA,
      K.glow,
      K.reflection,
      "aad-emily",
      "U0PVETRAN",
      `local-inbox:${EMILY}`,
    ]) {
      expect(out).not.toContain(other);
    }
    expect(docs).not.toContain(`person-state/${EMILY}`);
  });

  it("forgets the person: no trace of their address, name or words anywhere in the store, the digests unchanged", async () => {
    const out = await cli((o) => forgetCommand({ person: JACOB }, cliDeps(svc.store, NOW), o));
    expect(out).toMatch(/^Forgot jacob\.whitehorse@prairievalley\.example\.org: 1 cycle\(s\), 1 feedback/);
    expect(out).toContain("removed from the stored roster");
    expect(out).toMatch(/Remove jacob\.whitehorse@.* from the roster file too/);

    const bytes = await everything(kind, dir, prefix);
    const traces = [
      JACOB,
      "Jacob",
      "Whitehorse",
      "U0PVJWHIT",
      "aad-jacob",
      "a:jacob-1on1",
      ...Object.values(J),
    ];
    for (const trace of traces) expect(bytes.includes(trace), `"${trace}" is still stored`).toBe(false);
    expect(await digests(svc.store, new Date(NOW))).toEqual(before);

    const cycle = await svc.store.getCycle(D, C1);
    expect(cycle).toMatchObject({ observerId: EMILY, state: "reflected", focus: "Feedback" });
    expect(cycle?.observedId).toMatch(/^forgotten:[0-9a-f]{12}$/);
    expect(cycle?.note).toBeUndefined();
    const feedback = (await svc.store.feedbackFor(D, C1, EMILY)) as Feedback;
    expect(feedback).toMatchObject({ glow: "", grow: "", usefulness: 4, teacherId: cycle?.observedId });
    expect(feedback.reflection).toBeUndefined();
    expect((await svc.store.getRoster())?.groups.map((g) => g.id)).not.toContain("pv-grade3-peers");
  });

  it("leaves everyone else's things alone", async () => {
    expect((await svc.store.feedbackFor(D, K1, KEVIN))?.glow).toBe(K.glow);
    expect((await svc.store.getCycle(D, K1))?.note).toBe(K.note);
    expect(await svc.store.getDoc("person-state", EMILY)).toEqual({ pausedUntil: "2026-11-30" });
    expect(await svc.store.getDoc("slack-people", EMILY)).toEqual({ teamId: "T0DEMO", userId: "U0PVETRAN" });
    expect(await svc.store.getDoc("teams-users", "aad-emily")).toMatchObject({ personId: EMILY });
    expect((await svc.store.getRoster())?.people.map((p) => p.id)).toContain(EMILY);
    expect((await svc.conversation(MARIA)).length).toBeGreaterThan(3);
  });

  it("is idempotent: a second forget finds nothing, and the export is empty", async () => {
    const again = await cli((o) => forgetCommand({ person: JACOB }, cliDeps(svc.store, NOW), o));
    expect(again).toBe(`Nothing is held about ${JACOB} (any more).`);
    const data = JSON.parse(
      await cli((o) => exportPersonCommand({ person: JACOB }, cliDeps(svc.store, NOW), o)),
    );
    expect(data).toMatchObject({
      roster: { entry: null, groups: [] },
      cycles: [],
      feedback: [],
      outbox: [],
      docs: [],
    });
    expect(await digests(svc.store, new Date(NOW))).toEqual(before);
  });
});

describe("the end-of-year purge", () => {
  let svc: LocalService;
  let dir: string;
  let before: string[];
  const AFTER = "2027-06-01T15:00:00Z";

  beforeAll(async () => {
    ({ svc, dir } = await start("sqlite", "2026-09-13T23:00:00Z"));
    await svc.travel("2026-09-14T15:00:00Z");
    // Kevin and Maria in September; Emily and Jacob in October.
    await coach(svc, KEVIN_MARIA, "2026-09-17", "10:00");
    await coach(svc, EMILY_JACOB, "2026-10-06", "09:30");
    before = await digests(svc.store, new Date(AFTER));
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the day after the last school day: text older than the retention goes, newer text and every count stay", async () => {
    const deps = workflowsOf(svc.store);
    // 8 months, so that the purge on 2027-05-22 reaches back to 2026-09-22: between the two cycles.
    expect(await seedRetentionSchedules(deps, await deps.roster(), new Date("2026-10-07T00:00:00Z"), 8)).toBe(
      2,
    );
    const due = await svc.store.getDue(D, `retention:${D}`);
    expect(new Date(due!.atMs).toISOString()).toBe("2027-05-22T07:00:00.000Z"); // 02:00 CDT, the day after 2027-05-21
    const sentBefore = await svc.store.listOutbox("sent", 100_000);

    await svc.travel("2027-05-22T06:59:00Z");
    expect((await svc.store.feedbackFor(D, K1, KEVIN))?.glow).toBe(K.glow);
    await svc.travel("2027-05-22T07:01:00Z");

    const old = (await svc.store.feedbackFor(D, K1, MARIA)) as Feedback;
    expect(old).toMatchObject({
      glow: "",
      grow: "",
      usefulness: 4,
      focus: "Developing Assessment Capable Learners",
    });
    expect(old.reflection).toBeUndefined();
    expect(old.nextStepNote).toBeUndefined();
    expect((await svc.store.getCycle(D, K1))?.note).toBeUndefined();
    expect(await svc.store.feedbackFor(D, C1, JACOB)).toMatchObject({
      glow: J.glow,
      reflection: J.reflection,
    });
    expect((await svc.store.getCycle(D, C1))?.note).toBe(J.note);
    // Delivery times are the wall clock's: whatever was sent before the cutoff is gone, the rest kept.
    const cutoff = Date.parse("2026-09-22T07:01:00Z");
    for (const e of sentBefore) {
      const kept = await svc.store.getOutbox(e.districtId, e.key);
      if (e.sentMs! < cutoff) expect(kept, e.key).toBeNull();
      else expect(kept, e.key).not.toBeNull();
    }
    expect(await digests(svc.store, new Date(AFTER))).toEqual(before);
    // Booked again for a year on, until a new calendar moves it.
    expect(new Date((await svc.store.getDue(D, `retention:${D}`))!.atMs).toISOString()).toBe(
      "2028-05-22T07:00:00.000Z",
    );
  });

  it("coachbot purge runs it by hand: local chat copies too, then everything older than 13 months", async () => {
    const inbox = async (who: string) => JSON.stringify(await svc.conversation(who));
    expect(await inbox(MARIA)).toContain(K.glow);
    const out = await cli((o) =>
      purgeCommand({ now: "2027-11-01T12:00:00Z" }, { ...cliDeps(svc.store, AFTER), retentionMonths: 13 }, o),
    );
    expect(out).toMatch(
      /^Erased the text of \d+ feedback .* before 2026-10-01T12:00:00.000Z \(13 months before/,
    );
    expect(await inbox(MARIA)).not.toContain(K.glow);
    expect(await inbox(JACOB)).toContain(J.glow);

    await cli((o) =>
      purgeCommand({ now: "2040-01-01T00:00:00Z" }, { ...cliDeps(svc.store, AFTER), retentionMonths: 13 }, o),
    );
    expect((await svc.store.feedbackFor(D, C1, JACOB))?.glow).toBe("");
    expect(await svc.store.listOutbox("sent", 10)).toEqual([]);
    const bytes = await everything("sqlite", dir, "");
    for (const text of [...Object.values(K), J.note, J.glow, J.grow, J.nextStepNote, J.reflection]) {
      expect(bytes.includes(text), `"${text}" is still stored`).toBe(false);
    }
    expect(await digests(svc.store, new Date(AFTER))).toEqual(before);
  });
});
