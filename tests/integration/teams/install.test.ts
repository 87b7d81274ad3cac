import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StoredConversation, TeamsUser as StoredUser } from "../../../adapters/teams/directory.js";
import { BOT, cardText, startTeamsService, TENANT, type TeamsService, USERS } from "./harness.js";

// What the bot learns from installs and membership events (conversation references, roster
// links), and how typed commands are answered in each kind of conversation.

const { emily: EMILY, jacob: JACOB, susan: SUSAN, stranger: STRANGER } = USERS;
const TEAM = "19:pv-leadership@thread.tacv2";
const LEADERSHIP = "19:pv-district-leadership@thread.tacv2";
const GROUP_CHAT = "19:grade3-planning@thread.v2";

let t: TeamsService;
const conversation = (key: string) => t.service.store.getDoc<StoredConversation>("teams-conversations", key);
const user = (aad: string) => t.service.store.getDoc<StoredUser>("teams-users", aad);

beforeAll(async () => {
  t = await startTeamsService("2026-09-14T14:00:00Z");
  t.fake.members.set(TEAM, [SUSAN, JACOB, STRANGER]);
  t.fake.channels.set(TEAM, [
    { id: TEAM, name: "General" },
    { id: LEADERSHIP, name: "District leadership" },
  ]);
  t.fake.members.set(GROUP_CHAT, [EMILY, JACOB]);
});
afterAll(async () => t?.close());
afterEach(() => expect(t.fake.cardProblems).toEqual([]));

describe("install capture", () => {
  it("stores a personal install's reference and links the person by the e-mail Teams gives", async () => {
    await t.install(EMILY);
    expect(await conversation(`personal:${EMILY.aadObjectId}`)).toMatchObject({
      kind: "personal",
      tenantId: TENANT,
      reference: {
        channelId: "msteams",
        serviceUrl: t.fake.url,
        conversation: { id: EMILY.chat },
        user: { id: EMILY.id, aadObjectId: EMILY.aadObjectId },
        bot: BOT,
      },
    });
    expect(await user(EMILY.aadObjectId)).toMatchObject({
      personId: EMILY.email,
      userId: EMILY.id,
      botId: BOT.id,
    });
    const lookups = t.fake.calls.filter((c) => c.path.endsWith(`/members/${encodeURIComponent(EMILY.id)}`));
    expect(lookups).toHaveLength(1); // installationUpdate and conversationUpdate: one look-up
  });

  it("links by the roster's teamsId without asking Teams who it is", async () => {
    // Lauren Okafor carries `teamsId: "29:demo-lauren-okafor"` in the demo roster.
    const lauren = {
      ...STRANGER,
      id: "29:demo-lauren-okafor",
      aadObjectId: "aad-lauren",
      chat: "a:personal-lauren",
    };
    await t.install(lauren);
    expect(await user("aad-lauren")).toMatchObject({ personId: "lauren.okafor@prairievalley.example.org" });
    expect(t.fake.callsTo(lauren.chat).filter((c) => c.method === "GET")).toEqual([]);
  });

  it("stores every channel of a team the app is added to, and links the members the roster knows", async () => {
    await t.installInTeam(SUSAN, TEAM);
    for (const channel of [TEAM, LEADERSHIP]) {
      expect(await conversation(`channel:${channel}`)).toMatchObject({
        kind: "channel",
        teamId: TEAM,
        reference: { conversation: { id: channel }, serviceUrl: t.fake.url },
      });
    }
    expect((await conversation(`channel:${LEADERSHIP}`))?.reference?.user).toBeUndefined();
    expect(await user(JACOB.aadObjectId)).toMatchObject({ personId: JACOB.email, serviceUrl: t.fake.url });
    expect(await user(SUSAN.aadObjectId)).toMatchObject({ personId: SUSAN.email });
    expect(await user(STRANGER.aadObjectId)).toBeNull(); // not in the roster: nothing kept
  });

  it("stores a group chat's reference", async () => {
    const added = t.personal(EMILY, { type: "conversationUpdate", membersAdded: [BOT] });
    await t.send({
      ...added,
      conversation: { id: GROUP_CHAT, conversationType: "groupChat", isGroup: true, tenantId: TENANT },
    });
    expect(await conversation(`chat:${GROUP_CHAT}`)).toMatchObject({
      kind: "chat",
      reference: { conversation: { id: GROUP_CHAT } },
    });
  });

  it("marks a team's channels dead when the app is removed, and revives them on the next install", async () => {
    const removed = t.channel(SUSAN, TEAM, TEAM, { type: "installationUpdate", action: "remove" });
    await t.send(removed);
    expect((await conversation(`channel:${LEADERSHIP}`))?.dead).toMatch(/removed/);
    await t.installInTeam(SUSAN, TEAM);
    expect((await conversation(`channel:${LEADERSHIP}`))?.dead).toBeUndefined();
  });

  it("learns a conversation from a message when the install happened before coachbot ran", async () => {
    await t.send(t.personal(JACOB, { type: "message", text: "status" }));
    expect(await conversation(`personal:${JACOB.aadObjectId}`)).toMatchObject({
      reference: { conversation: { id: JACOB.chat } },
    });
  });
});

describe("commands", () => {
  it("answers help in a personal chat with a card, as a reply to the message", async () => {
    const message = t.personal(EMILY, { type: "message", text: "help" });
    expect(await t.send(message)).toBe(200);
    const reply = t.fake.posted(EMILY.chat).at(-1)!;
    expect(reply.replyToId).toBe(message.id);
    expect(cardText(reply)).toMatch(/pause until YYYY-MM-DD/);
  });

  it("strips the @mention in a channel and answers help there, but nothing private", async () => {
    const mention = { type: "mention", text: "<at>coachbot</at>", mentioned: BOT };
    await t.send(
      t.channel(SUSAN, TEAM, LEADERSHIP, {
        type: "message",
        text: "<at>coachbot</at> help",
        entities: [mention],
      }),
    );
    expect(cardText(t.fake.posted(LEADERSHIP).at(-1))).toMatch(/Commands:/);
    await t.send(
      t.channel(SUSAN, TEAM, LEADERSHIP, {
        type: "message",
        text: "<at>coachbot</at>&nbsp;status",
        entities: [mention],
      }),
    );
    expect(cardText(t.fake.posted(LEADERSHIP).at(-1))).toMatch(/only answer that in our 1:1 chat/);
  });

  it("tells someone the roster does not know what the bot is for", async () => {
    await t.send(t.personal(STRANGER, { type: "message", text: "status" }));
    expect(cardText(t.fake.posted(STRANGER.chat).at(-1))).toMatch(
      /don't have you in your district's coaching roster/,
    );
  });

  it("handles an activity Teams sends twice only once", async () => {
    const message = t.personal(EMILY, { type: "message", text: "status" });
    const before = t.fake.posted(EMILY.chat).length;
    await t.send(message);
    await t.send(message);
    expect(t.fake.posted(EMILY.chat)).toHaveLength(before + 1);
  });

  it("refuses a body that is not JSON with 400 and no stack trace", async () => {
    const res = await fetch(`${t.base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"type": "message", "text": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/not valid JSON/);
    expect(text).not.toMatch(/ at |stack|node_modules/);
    const big = await fetch(`${t.base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "x".repeat(300_000) }),
    });
    expect(big.status).toBe(413);
  });
});
