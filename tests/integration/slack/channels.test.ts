import { describe, expect, it } from "vitest";
import type { Block, Message } from "../../../src/ui/model.js";
import { DIGEST_KIND, digestDueKey } from "../../../src/workflows/digest/schedule.js";
import { dmChannel } from "../../fixtures/fake-slack.js";
import { DEMO_TOKEN, demoTestbed, USERS } from "./harness.js";
import { buttonsOf, textOf } from "./payloads.js";

// Leadership channels get aggregate digests by channel id; a channel the bot can't post in is a
// permanent failure (dead-lettered with Slack's reason), never retried. Whatever the message,
// what reaches Slack stays within Block Kit's limits.

const BLT = "C0CBBLT01"; // Cedar Bluff K-12 School's leadership channel, from the demo roster

const t = demoTestbed([USERS.ethan, USERS.yolanda], {
  channels: { [BLT]: "member", C0NOTIN01: "not_in_channel", C0ARCHIV1: "is_archived" },
});

/** Delivers one message to Cedar Bluff's outbox; the entry as it stands after. */
async function deliver(to: { person: string } | { channel: { slack: string } }, message: Message | string) {
  await t.slack.enqueue("cedar-bluff", to, message);
  await t.slack.drain();
  return t.slack.service.store.getOutbox("cedar-bluff", typeof message === "string" ? message : message.key);
}

describe("channel posts", () => {
  it("posts an outbox entry addressed to a channel in that channel", async () => {
    const entry = await deliver({ channel: { slack: BLT } }, "Hello, leadership team.");
    expect(entry?.state).toBe("sent");
    const [post] = t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === BLT);
    expect(post?.token).toBe(DEMO_TOKEN);
    expect(textOf(post?.args)).toBe("Hello, leadership team.");
    expect(entry?.platformRef).toBe(`${BLT}:${t.fake.channel(BLT)[0]!.ts}`);
  });

  it("dead-letters what Slack refuses for good, after one attempt", async () => {
    for (const [channel, error] of [
      ["C0NOTIN01", "not_in_channel"],
      ["C0ARCHIV1", "is_archived"],
      ["C0UNKNOWN", "channel_not_found"],
    ]) {
      const entry = await deliver({ channel: { slack: channel! } }, `Hello, ${channel}?`);
      expect(entry?.state).toBe("dead");
      expect(entry?.attempts).toBe(1);
      expect(entry?.lastError).toContain(error);
    }
  });

  it("posts the building's weekly digest there: counts only, no names", async () => {
    await t.slack.at("2026-09-14T12:45:00Z"); // Monday: the science peers are prompted
    const scope = "building:cb-school";
    const atMs = Date.parse("2026-09-21T13:45:00Z"); // the next Monday, 08:45 local
    await t.slack.service.store.apply({
      districtId: "cedar-bluff",
      due: [
        { key: digestDueKey(scope), districtId: "cedar-bluff", atMs, kind: DIGEST_KIND, payload: { scope } },
      ],
    });
    const before = t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === BLT).length;
    await t.slack.at("2026-09-21T13:45:00Z");
    const posts = t.fake
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === BLT)
      .slice(before);
    expect(posts).toHaveLength(1);
    const digest = textOf(posts[0]!.args);
    expect(digest).toMatch(/Coaching cycles opened/);
    expect(digest).not.toMatch(/Ethan|Yolanda|Marsh|Pierce/);
  });
});

describe("Block Kit limits", () => {
  it("splits a message past 50 blocks and long texts into what Slack accepts", async () => {
    const long = `${"A sentence about practice & <progress>. ".repeat(180)}End.`; // ~7400 characters
    const blocks: Block[] = [
      { kind: "text", text: long },
      {
        kind: "facts",
        facts: Array.from({ length: 23 }, (_, i) => ({ label: `Fact ${i}`, value: "x".repeat(2500) })),
      },
      {
        kind: "actions",
        actions: Array.from({ length: 30 }, (_, i) => ({
          id: i % 2 ? "same" : `act.${i}`,
          label: "L".repeat(100),
          context: `c${i}`,
        })),
      },
      {
        kind: "bars",
        title: "Observations by building",
        rows: [
          { label: "Cedar Bluff K-12 School and more", value: 12, display: "12" },
          { label: "Other", value: null, display: "fewer than 5" },
        ],
      },
      ...Array.from({ length: 60 }, (_, i): Block => ({ kind: "text", text: `Line ${i}` })),
      { kind: "link", label: "Open", url: "https://coachbot.test/x" },
    ];
    const entry = await deliver(
      { person: USERS.ethan.email },
      { key: "huge", summary: "S".repeat(5000), blocks },
    );
    expect(entry?.state).toBe("sent");
    const posts = t.fake
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === dmChannel(USERS.ethan.id) && String(c.args.text).startsWith("SSS"));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.map((p) => (p.args.blocks as unknown[]).length).every((n) => n <= 50)).toBe(true);
    expect(String(posts[1]!.args.text)).toMatch(/\(continued\)$/);
    expect(buttonsOf(posts[0]!.args).filter((b) => b.action_id === "same")).toHaveLength(15);
    expect(t.fake.violations).toEqual([]);
  });

  it("sent nothing Slack would refuse, in any test here", () => {
    expect(t.fake.violations).toEqual([]);
  });
});
