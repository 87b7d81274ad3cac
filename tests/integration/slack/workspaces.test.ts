import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BOT_SCOPES } from "../../../adapters/slack/manifest.js";
import { sealer } from "../../../adapters/slack/sealed.js";
import { dmChannel, type FakeUser } from "../../fixtures/fake-slack.js";
import { OAUTH_ENV } from "../../fixtures/slack-oauth.js";
import { eventually, slackTestbed, USERS } from "./harness.js";
import { textOf } from "./payloads.js";

// Many workspaces through OAuth: each installs from /slack/install, its token is kept in the
// store, and each has its own client. Prairie Valley is on workspace A, Cedar Bluff on B. A 429
// storm on A pauses only A; nothing is lost or sent twice; an uninstall forgets the workspace.

const A = "T0PRAIRIE";
const B = "T0CEDAR";
const PEOPLE_A: FakeUser[] = [
  { id: "U0PVETRAN", email: "emily.tran@prairievalley.example.org" },
  { id: "U0PVJWHIT", email: "jacob.whitehorse@prairievalley.example.org" },
  { id: "U0PVKBROO", email: "kevin.brooks@prairievalley.example.org" },
  { id: "U0PVMESPO", email: "maria.esposito@prairievalley.example.org" },
  { id: "U0PVSHARL", email: "susan.harlan@prairievalley.example.org" },
];
const PEOPLE_B: FakeUser[] = [
  USERS.ethan,
  USERS.yolanda,
  USERS.gary,
  { id: "U0CBBYODE", email: "beth.yoder@cedarbluff.example.org" },
];

const t = slackTestbed({
  workspaces: [
    { teamId: A, token: "xoxb-prairie", users: PEOPLE_A, channels: { C0PVDLT01: "member" } },
    { teamId: B, token: "xoxb-cedar", users: PEOPLE_B },
  ],
  env: OAUTH_ENV,
});

async function install(teamId: string): Promise<void> {
  const start = await fetch(`${t.slack.base}/slack/install`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe("https://slack.com/oauth/v2/authorize");
  expect(authorize.searchParams.get("scope")).toBe(BOT_SCOPES.join(","));
  expect(authorize.searchParams.get("redirect_uri")).toBe("https://coachbot.test/slack/oauth_redirect");
  const cookie = start.headers.get("set-cookie")!.split(";")[0]!;
  const state = authorize.searchParams.get("state")!;
  const back = await fetch(
    `${t.slack.base}/slack/oauth_redirect?code=${t.fake.issueInstallCode(teamId)}&state=${state}`,
    { headers: { cookie } },
  );
  expect(back.status).toBe(200);
}

/** One note to each person, in their own district's outbox. */
async function toEveryone(round: string): Promise<void> {
  for (const p of PEOPLE_A)
    await t.slack.enqueue("prairie-valley", { person: p.email }, `${round} for ${p.id}`);
  for (const p of PEOPLE_B) await t.slack.enqueue("cedar-bluff", { person: p.email }, `${round} for ${p.id}`);
}

/** The test notes a person received, in order (not the bot's answers to their DMs). */
const received = (p: FakeUser) =>
  t.fake
    .channel(dmChannel(p.id))
    .map((m) => textOf(m))
    .filter((t) => / for U/.test(t));

describe("OAuth installs", () => {
  it("installs two workspaces through /slack/install and keeps their tokens in the store, sealed", async () => {
    await install(A);
    await install(B);
    const stored = await t.slack.service.store.listDocs("slack-installations");
    expect(stored.map((d) => d.id).sort()).toEqual([B, A]);
    // What a copied database holds: no token, nothing readable without SLACK_TOKEN_KEY.
    const raw = JSON.stringify(stored);
    expect(raw).not.toMatch(/xoxb-|"token"/);
    const keys = [Buffer.from(OAUTH_ENV.SLACK_TOKEN_KEY, "base64")];
    const opened = stored.map((d) => sealer(keys).open<{ bot?: { token: string } }>(d.id, d.value));
    expect(opened.map((i) => i.bot?.token).sort()).toEqual(["xoxb-cedar", "xoxb-prairie"]);
    expect(t.fake.callsTo("oauth.v2.access")).toHaveLength(2);
  });

  it("reaches each person through their own workspace, linking them once", async () => {
    await toEveryone("first");
    await t.slack.drain();
    for (const p of PEOPLE_A) expect(received(p)).toEqual([`first for ${p.id}`]);
    for (const p of PEOPLE_B) expect(received(p)).toEqual([`first for ${p.id}`]);
    // Each workspace's token went to its own people's DMs only.
    for (const [team, people] of [
      [A, PEOPLE_A],
      [B, PEOPLE_B],
    ] as const) {
      const channels = t.fake.callsTo("chat.postMessage", team).map((c) => c.args.channel);
      expect(channels.sort()).toEqual(people.map((p) => dmChannel(p.id)).sort());
    }
  });

  it("answers a DM with the token of the workspace it came from", async () => {
    await t.fake.dm(B, USERS.ethan.id, "help");
    const reply = await eventually(() =>
      t.fake.callsTo("chat.postMessage", B).find((c) => textOf(c.args).includes("Commands:")),
    );
    expect(reply.token).toBe("xoxb-cedar");
  });

  it("posts a district's leadership channel through the workspace its people use", async () => {
    await t.slack.enqueue("prairie-valley", { channel: { slack: "C0PVDLT01" } }, "digest");
    await t.slack.drain();
    const post = t.fake.callsTo("chat.postMessage").find((c) => c.args.channel === "C0PVDLT01");
    expect(post?.token).toBe("xoxb-prairie");
  });

  it("keeps workspace B going through a 429 storm on A, then delivers A's messages once each", async () => {
    await delay(1_100); // let last round's one-message-a-second window per DM pass
    t.fake.rateLimit({ teamId: A, retryAfterSec: 2 });
    await toEveryone("second");
    const startedAt = Date.now();
    await t.slack.service.engine.runOnce(await t.slack.service.time.now());

    for (const p of PEOPLE_B) expect(received(p)).toEqual([`first for ${p.id}`, `second for ${p.id}`]);
    const bPosts = t.fake.callsTo("chat.postMessage", B).filter((c) => c.at >= startedAt);
    expect(Math.max(...bPosts.map((c) => c.at)) - startedAt).toBeLessThan(1_000);
    // A's first send met the 429; A was paused for its Retry-After, so nothing else went to A,
    // and web-api did not retry on its own.
    const refused = t.fake.calls.filter((c) => c.teamId === A && c.status === 429);
    expect(refused).toHaveLength(1);
    for (const p of PEOPLE_A) expect(received(p)).toEqual([`first for ${p.id}`]);

    t.fake.calm();
    await delay(2_100);
    await t.slack.drain();
    for (const p of PEOPLE_A) expect(received(p)).toEqual([`first for ${p.id}`, `second for ${p.id}`]);
    expect(t.fake.calls.filter((c) => c.teamId === A && c.status === 429)).toHaveLength(1);
    expect((await t.slack.service.store.outboxCounts()).dead).toBe(0);
  });

  it("with every other call refused, still delivers each message exactly once", async () => {
    await delay(1_100);
    t.fake.rateLimit({ share: 0.5, retryAfterSec: 1 });
    const [emily, ethan] = [PEOPLE_A[0]!, PEOPLE_B[0]!];
    await t.slack.enqueue("prairie-valley", { person: emily.email }, `third for ${emily.id}`);
    await t.slack.enqueue("cedar-bluff", { person: ethan.email }, `third for ${ethan.id}`);
    await t.slack.drain(10_000);
    t.fake.calm();
    expect(t.fake.calls.some((c) => c.status === 429 && c.at > Date.now() - 10_000)).toBe(true);
    for (const p of [emily, ethan])
      expect(received(p).filter((t) => t.startsWith("third"))).toEqual([`third for ${p.id}`]);
  });

  it("asks each workspace about someone it cannot find once a day, not at every message", async () => {
    const roster = (await t.slack.service.store.getRoster())!;
    const inSlack = new Set([...PEOPLE_A, ...PEOPLE_B].map((p) => p.email));
    const outsider = roster.people.find((p) => !p.slackId && p.districtId && !inSlack.has(p.email))!;
    const district = outsider.districtId!;
    // Refused calls (users_not_found) included.
    const lookups = () =>
      t.fake.calls.filter((c) => c.method === "users.lookupByEmail" && c.args.email === outsider.email)
        .length;
    const aDayLater = async () => {
      const now = await t.slack.service.time.now();
      await t.slack.service.time.set!(new Date(now.getTime() + 25 * 60 * 60 * 1000));
    };
    await aDayLater(); // whatever earlier tests learnt about them has lapsed
    const before = lookups();
    await t.slack.enqueue(district, { person: outsider.email }, "absent-1");
    await t.slack.drain();
    expect(lookups() - before).toBe(2); // one per workspace
    expect((await t.slack.service.store.getOutbox(district, "absent-1"))?.state).toBe("dead");

    await t.slack.enqueue(district, { person: outsider.email }, "absent-2");
    await t.slack.drain();
    expect(lookups() - before).toBe(2);

    await aDayLater();
    await t.slack.enqueue(district, { person: outsider.email }, "absent-3");
    await t.slack.drain();
    expect(lookups() - before).toBe(4);
  });

  it("forgets a workspace that uninstalls or revokes its token", async () => {
    expect((await t.fake.event(B, { type: "app_uninstalled" })).status).toBe(200);
    expect((await t.fake.event(A, { type: "tokens_revoked", tokens: { bot: [`UBOT${A}`] } })).status).toBe(
      200,
    );
    await eventually(async () => (await t.slack.service.store.listDocs("slack-installations")).length === 0);

    const calls = t.fake.calls.length;
    await t.slack.enqueue("cedar-bluff", { person: USERS.ethan.email }, "after-uninstall");
    await t.slack.drain();
    expect((await t.slack.service.store.getOutbox("cedar-bluff", "after-uninstall"))?.state).toBe("dead");
    expect(t.fake.calls.slice(calls)).toEqual([]);
  });

  it("sent nothing Slack would refuse", () => {
    expect(t.fake.violations).toEqual([]);
  });
});
