import { setTimeout as delay } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StoredConversation } from "../../../adapters/teams/directory.js";
import type { NewOutboxEntry } from "../../../src/store/port.js";
import type { Message } from "../../../src/ui/model.js";
import { FakeConnector } from "../../fixtures/fake-connector.js";
import { cardText, startTeamsService, type TeamsService, USERS } from "./harness.js";

// Proactive delivery through the real delivery loop: a leadership digest to a channel's stored
// reference, a 403 that stops everything for that chat, and 429/503 retried by our loop (not
// inside botbuilder).

const { emily: EMILY, jacob: JACOB, susan: SUSAN } = USERS;
const TEAM = "19:pv-leadership@thread.tacv2";
const LEADERSHIP = "19:pv-district-leadership@thread.tacv2"; // Prairie Valley's district channel in the demo roster
const DISTRICT = "prairie-valley";

let t: TeamsService;
let seq = 0;

const digest: Message = {
  key: "digest:district:prairie-valley:2026-09",
  summary: "Prairie Valley R-IV coaching digest, September",
  blocks: [
    { kind: "text", text: "Prairie Valley R-IV, September: observations and feedback (counts only)." },
    {
      kind: "facts",
      facts: [
        { label: "Cycles completed", value: "12" },
        { label: "Feedback given", value: "10" },
      ],
    },
    {
      kind: "bars",
      title: "Completed by building",
      rows: [
        { label: "Prairie Valley Elementary", value: 8, display: "8" },
        { label: "Prairie Valley Middle School", value: null, display: "fewer than 5" },
      ],
    },
  ],
};

async function enqueue(to: NewOutboxEntry["to"], message: Message): Promise<string> {
  const key = `${message.key}:${++seq}`;
  await t.service.store.apply({
    districtId: DISTRICT,
    outbox: [{ key, districtId: DISTRICT, to, message: { ...message, key }, notBeforeMs: 0 }],
  });
  return key;
}
const note = (text: string): Message => ({ key: "note", summary: text, blocks: [{ kind: "text", text }] });
const entry = (key: string) => t.service.store.getOutbox(DISTRICT, key);
const deliver = () => t.service.engine.delivery.runOnce();
const writesTo = (conversation: string) => t.fake.callsTo(conversation).filter((c) => c.method !== "GET");

beforeAll(async () => {
  t = await startTeamsService("2026-09-14T14:00:00Z");
  t.fake.members.set(TEAM, [SUSAN]);
  t.fake.channels.set(TEAM, [
    { id: TEAM, name: "General" },
    { id: LEADERSHIP, name: "District leadership" },
  ]);
  await t.installInTeam(SUSAN, TEAM);
  await t.install(EMILY);
  await t.install(JACOB);
});
afterAll(async () => t?.close());
afterEach(() => {
  t.fake.clearRefusals();
  expect(t.fake.cardProblems).toEqual([]);
});

describe("Teams delivery", () => {
  it("posts a channel digest to the channel's stored reference, as a new post", async () => {
    const key = await enqueue({ channel: { slack: "C0PVDLT01", teams: LEADERSHIP } }, digest);
    expect(await deliver()).toMatchObject({ sent: 1, dead: 0 });
    const [post] = t.fake.posted(LEADERSHIP);
    expect(t.fake.callsTo(LEADERSHIP)).toMatchObject([{ method: "POST", status: 201 }]);
    expect(t.fake.callsTo(LEADERSHIP)[0]?.activityId).toBeUndefined();
    expect(post?.summary).toBe(digest.summary);
    expect(cardText(post)).toContain("Prairie Valley Elementary");
    expect(cardText(post)).toContain("fewer than 5");
    expect(JSON.stringify(FakeConnector.cardOf(post))).toContain("ColumnSet");
    expect(await entry(key)).toMatchObject({ state: "sent", platformRef: post?.id });
  });

  it("on 403 MessageWritesBlocked marks the reference dead and dead-letters the entry, with no further calls", async () => {
    t.fake.refuse(JACOB.chat, { status: 403, code: "MessageWritesBlocked" });
    const key = await enqueue({ person: JACOB.email }, note("Reminder: your observation is tomorrow."));
    expect(await deliver()).toMatchObject({ sent: 0, dead: 1 });
    expect(await entry(key)).toMatchObject({ state: "dead", attempts: 1 });
    expect((await entry(key))?.lastError).toMatch(/403 MessageWritesBlocked/);
    const stored = await t.service.store.getDoc<StoredConversation>(
      "teams-conversations",
      `personal:${JACOB.aadObjectId}`,
    );
    expect(stored?.dead).toMatch(/403/);
    expect(writesTo(JACOB.chat)).toHaveLength(1);

    // Later messages no longer go to that chat (here they fall back to the local chat).
    await enqueue({ person: JACOB.email }, note("Another one."));
    await deliver();
    await delay(50);
    await deliver();
    expect(writesTo(JACOB.chat)).toHaveLength(1);

    // Installing the app again (Teams lets writes through again) revives the chat.
    t.fake.clearRefusals();
    await t.install(JACOB);
    await enqueue({ person: JACOB.email }, note("Welcome back."));
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(cardText(t.fake.posted(JACOB.chat).at(-1))).toContain("Welcome back.");
  });

  it("hands a 429 to the delivery loop after one call, which waits for Retry-After and sends it", async () => {
    t.fake.refuse(EMILY.chat, { status: 429, code: "Throttled", retryAfterSeconds: 1, times: 1 });
    const before = writesTo(EMILY.chat).length;
    const key = await enqueue({ person: EMILY.email }, note("Time to plan a classroom observation."));
    const startedMs = Date.now();
    expect(await deliver()).toMatchObject({ sent: 0, retried: 1 });
    expect(writesTo(EMILY.chat)).toHaveLength(before + 1); // botbuilder did not retry by itself
    const pending = await entry(key);
    // A 429 is a wait, not a failure: the claim is handed back without using an attempt.
    expect(pending).toMatchObject({ state: "pending", attempts: 0 });
    expect(pending?.lastError).toMatch(/429/);
    expect(pending!.nextAttemptMs).toBeGreaterThanOrEqual(startedMs + 1000);

    await delay(Math.max(0, pending!.nextAttemptMs - Date.now()) + 50);
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(writesTo(EMILY.chat)).toHaveLength(before + 2);
    expect(await entry(key)).toMatchObject({ state: "sent", attempts: 1 });
  });

  it("retries a 503 later without marking anything dead", async () => {
    t.fake.refuse(LEADERSHIP, { status: 503, code: "ServiceUnavailable", times: 1 });
    const key = await enqueue({ channel: { teams: LEADERSHIP } }, { ...digest, key: "digest:again" });
    expect(await deliver()).toMatchObject({ retried: 1, dead: 0 });
    expect(await entry(key)).toMatchObject({ state: "pending" });
    const stored = await t.service.store.getDoc<StoredConversation>(
      "teams-conversations",
      `channel:${LEADERSHIP}`,
    );
    expect(stored?.dead).toBeUndefined();
  });

  it("updates a sent card in place, and posts it anew when Teams no longer has it", async () => {
    const first = await enqueue({ person: EMILY.email }, note("Pick a time."));
    await deliver();
    const ref = (await entry(first))!.platformRef!;
    await enqueue({ person: EMILY.email }, { ...note("You scheduled it."), replaces: first });
    await deliver();
    expect(t.fake.calls.at(-1)).toMatchObject({ method: "PUT", activityId: ref, status: 200 });
    expect(cardText(t.fake.posted(EMILY.chat).find((a) => a.id === ref))).toBe("You scheduled it.");

    t.fake.conversations.set(EMILY.chat, []); // deleted in Teams
    await enqueue({ person: EMILY.email }, { ...note("Changed again."), replaces: first });
    await deliver();
    expect(writesTo(EMILY.chat).slice(-2)).toMatchObject([
      { method: "PUT", status: 404 },
      { method: "POST", status: 201 },
    ]);
    expect(cardText(t.fake.posted(EMILY.chat).at(-1))).toBe("Changed again.");
  });
});
