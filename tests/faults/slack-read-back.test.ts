// A message Slack took while its answer got lost (the connection dropped after the post) is found
// in the conversation by its metadata on the next attempt, and recorded, not posted again. The
// quick, in-process side of kill-fanout.fault.ts; runs in `npm test`.
import { describe, expect, it } from "vitest";
import { dmChannel } from "../fixtures/fake-slack.js";
import { demoTestbed, USERS } from "../integration/slack/harness.js";
import { acceptedPosts } from "./world.js";

const t = demoTestbed([USERS.ethan, USERS.yolanda]);

/** Drops the connection of the first call to `method` once Slack has taken it. */
function loseFirstAnswer(method: string): void {
  let lost = false;
  t.fake.beforeReply = (call) => {
    if (call.method !== method || lost) return;
    lost = true;
    return "hang up";
  };
}

describe("Slack read-back before sending again", () => {
  it("records a message whose answer was lost instead of posting it twice", async () => {
    const dm = dmChannel(USERS.ethan.id);
    loseFirstAnswer("chat.postMessage");
    await t.slack.enqueue("cedar-bluff", { person: USERS.ethan.email }, "lost answer for ethan");
    await t.slack.drain();

    expect(t.fake.channel(dm)).toHaveLength(1);
    const [message] = t.fake.channel(dm);
    expect(message?.metadata).toEqual({
      event_type: "coachbot_outbox",
      event_payload: { key: "lost answer for ethan", part: 0 },
    });
    expect(await t.slack.service.store.getOutbox("cedar-bluff", "lost answer for ethan")).toMatchObject({
      state: "sent",
      attempts: 2,
      platformRef: `${dm}:${message?.ts}`,
    });
    expect(t.fake.callsTo("conversations.history")).toHaveLength(1);
  });

  it("posts on the next attempt when the first never reached the conversation", async () => {
    loseFirstAnswer("conversations.open");
    await t.slack.enqueue("cedar-bluff", { person: USERS.yolanda.email }, "first try failed for yolanda");
    await t.slack.drain();

    expect(acceptedPosts(t.fake).byKey.get("first try failed for yolanda")).toBe(1);
    expect(
      await t.slack.service.store.getOutbox("cedar-bluff", "first try failed for yolanda"),
    ).toMatchObject({ state: "sent", attempts: 2 });
    expect(t.fake.callsTo("conversations.history")).toHaveLength(2);
  });
});
