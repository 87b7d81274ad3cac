import { describe, expect, it } from "vitest";
import { dmChannel } from "../../fixtures/fake-slack.js";
import { clickInDm, DEMO_TEAM, demoTestbed, eventually, modalOpenedBy, USERS } from "./harness.js";
import { button, buttonsOf, formOf, type Json, textOf } from "./payloads.js";

// One whole peer-to-peer cycle in Slack for Cedar Bluff's science peers, who have no Slack ids
// in the roster (linked by e-mail at first need): prompt -> "Pick a time" -> modal -> both
// confirmed -> reminders -> "did it happen?" -> feedback modal -> feedback DM -> reflection.
// Cedar Bluff is in America/Chicago (CDT = UTC-5 in September), school from 07:45.

const CYCLE = "cb-science-peers-c1";
const CONTEXT = `cedar-bluff/${CYCLE}`;
const ETHAN = USERS.ethan; // observes first (the group's first member)
const YOLANDA = USERS.yolanda;
const GLOW = "Your lab stations let every group test <one> variable & explain it. <!channel>";
const GROW = "Try a two-minute think-pair-share before the whole-class debrief.";
const REFLECTION = "I will add the think-pair-share to Thursday's lab.";

const t = demoTestbed([ETHAN, YOLANDA, USERS.gary, USERS.denise]);
const dmOf = (user: { id: string }) => t.fake.channel(dmChannel(user.id));
const last = (user: { id: string }) => dmOf(user).at(-1);
const feedbackTo = (user: { id: string }) =>
  dmOf(user).find((m) => textOf(m).includes("Feedback from Ethan Marsh"));
const inputs = (view: Json) => (view.blocks as Json[]).filter((b) => b.type === "input");
const element = (view: Json, blockId: string) =>
  inputs(view).find((b) => b.block_id === blockId)!.element as Json;

let feedbackModal: Json;

describe("a full observation cycle in Slack", () => {
  it("prompts both partners in their DMs, found by e-mail", async () => {
    await t.slack.at("2026-09-14T12:45:00Z"); // Monday 07:45 local
    const looked = t.fake.callsTo("users.lookupByEmail").map((c) => c.args.email);
    expect(looked).toEqual(expect.arrayContaining([ETHAN.email, YOLANDA.email]));
    expect(textOf(last(ETHAN))).toContain("You observe Yolanda Pierce");
    expect(textOf(last(YOLANDA))).toContain("Ethan Marsh observes you");
    expect(buttonsOf(last(ETHAN)).map((b) => b.action_id)).toEqual([
      "obs.pick-time",
      "obs.decline",
      "obs.snooze",
    ]);
    expect(button(last(ETHAN), "obs.pick-time").value).toBe(CONTEXT);
    // Linked once: the next delivery to them looks nobody up again.
    await t.slack.at("2026-09-14T12:46:00Z");
    expect(t.fake.callsTo("users.lookupByEmail")).toHaveLength(looked.length);
  });

  it("opens the schedule modal from the prompt's button and confirms to both on submit", async () => {
    let trigger = "";
    const view = await modalOpenedBy(t.fake, async () => {
      const click = await clickInDm(t.fake, DEMO_TEAM, ETHAN, last(ETHAN), "obs.pick-time");
      expect(click.status).toBe(200);
      trigger = click.triggerId;
    });
    expect(t.fake.callsTo("views.open").at(-1)!.args.trigger_id).toBe(trigger);
    expect(JSON.parse(String(view.private_metadata))).toEqual({ form: "obs.schedule", context: CONTEXT });
    expect(inputs(view).map((b) => b.block_id)).toEqual(["date", "time", "note"]);

    const weekend = await t.fake.submit(DEMO_TEAM, ETHAN.id, view, { date: "2026-09-19", time: "09:30" });
    expect(weekend.ack.response_action).toBe("errors");
    expect((weekend.ack.errors as Json).date).toMatch(/weekend/);

    const ok = await t.fake.submit(DEMO_TEAM, ETHAN.id, view, {
      date: "2026-09-16",
      time: "09:30",
      note: "Room 12",
    });
    expect(ok.ack).toEqual({ response_action: "clear" });
    await eventually(() =>
      textOf(last(ETHAN)).includes("Observation scheduled for Wednesday, September 16 at 9:30 AM"),
    );

    await t.slack.drain();
    const confirmation = dmOf(YOLANDA).find((m) => textOf(m).includes("Ethan Marsh picked the time"));
    expect(textOf(confirmation)).toContain("Room 12");
    expect(buttonsOf(confirmation).map((b) => b.action_id)).toEqual([
      "link.0",
      "obs.pick-time",
      "obs.cancel",
    ]);
    expect(button(confirmation, "link.0").url).toMatch(
      /^https:\/\/coachbot\.test\/calendar\/observation\.ics\?/,
    );
    // The prompt was replaced in place (chat.update): its buttons are gone.
    const prompt = dmOf(YOLANDA).find((m) => textOf(m).includes("Ethan Marsh scheduled it"));
    expect(buttonsOf(prompt)).toEqual([]);
    expect(t.fake.callsTo("chat.update").some((c) => c.args.channel === dmChannel(YOLANDA.id))).toBe(true);
  });

  it("reminds both the school day before and an hour before", async () => {
    await t.slack.at("2026-09-15T13:45:00Z"); // Tuesday 08:45 local
    for (const who of [ETHAN, YOLANDA])
      expect(textOf(last(who))).toMatch(/Reminder: .* on the next school day/);
    await t.slack.at("2026-09-16T13:30:00Z"); // Wednesday 08:30 local
    for (const who of [ETHAN, YOLANDA]) expect(textOf(last(who))).toMatch(/Reminder: .* coming up/);
  });

  it("asks the observer whether it happened; yes opens the feedback modal", async () => {
    await t.slack.at("2026-09-16T15:30:00Z"); // 10:30 local
    expect(textOf(last(ETHAN))).toMatch(/Did your observation of Yolanda Pierce/);
    feedbackModal = await modalOpenedBy(t.fake, () =>
      clickInDm(t.fake, DEMO_TEAM, ETHAN, last(ETHAN), "obs.happened"),
    );
    expect(formOf(feedbackModal)).toBe("fb.give");
    expect((feedbackModal.title as Json).text).toBe("Coaching feedback");
    expect((element(feedbackModal, "focus").initial_option as Json).value).toBe("Data-Based Decision Making");
  });

  it("refuses a blank strength inside the ack, on the strength's block, and stores nothing", async () => {
    const store = t.slack.service.store;
    const before = { outbox: await store.outboxCounts(), posts: t.fake.callsTo("chat.postMessage").length };
    const blank = await t.fake.submit(DEMO_TEAM, ETHAN.id, feedbackModal, {
      glow: "   ",
      grow: GROW,
      nextStep: "modeling",
    });
    expect(blank.ack).toEqual({
      response_action: "errors",
      errors: { glow: "Start with a strength: write what went well." },
    });
    expect(await store.feedbackFor("cedar-bluff", CYCLE, ETHAN.email)).toBeNull();
    expect((await store.getCycle("cedar-bluff", CYCLE))?.state).toBe("observed");
    expect(await store.outboxCounts()).toEqual(before.outbox);
    await t.slack.drain();
    expect(t.fake.callsTo("chat.postMessage")).toHaveLength(before.posts);
  });

  it("sends the feedback to the teacher, and only to her", async () => {
    const evidence = ["observation", "student-evidence"];
    const ok = await t.fake.submit(DEMO_TEAM, ETHAN.id, feedbackModal, {
      glow: GLOW,
      grow: GROW,
      nextStep: "modeling",
      evidence,
    });
    expect(ok.ack).toEqual({ response_action: "clear" });
    await eventually(() => textOf(last(ETHAN)).includes("Sent to Yolanda Pierce, privately"));

    await t.slack.drain();
    const text = textOf(feedbackTo(YOLANDA));
    // What Ethan typed is shown, but escaped: "<!channel>" can't ping anyone.
    expect(text).toContain(
      "Strength: Your lab stations let every group test &lt;one&gt; variable &amp; explain it. &lt;!channel&gt;",
    );
    expect(text).not.toContain("<!channel>");
    expect(text.indexOf("Strength:")).toBeLessThan(text.indexOf("Growth step:"));
    expect(buttonsOf(feedbackTo(YOLANDA)).map((b) => b.action_id)).toEqual(["fb.reflect"]);
    // Only to the teacher: nobody else's DM or channel got it.
    const partners = [dmChannel(YOLANDA.id), dmChannel(ETHAN.id)];
    const elsewhere = t.fake
      .callsTo("chat.postMessage")
      .filter((c) => !partners.includes(String(c.args.channel)));
    expect(JSON.stringify(elsewhere)).not.toContain("lab stations");
  });

  it("lets the teacher reflect; the coach gets the reflection", async () => {
    const view = await modalOpenedBy(t.fake, () =>
      clickInDm(t.fake, DEMO_TEAM, YOLANDA, feedbackTo(YOLANDA), "fb.reflect"),
    );
    expect((element(view, "usefulness").options as Json[]).map((o) => o.value)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);

    const ok = await t.fake.submit(DEMO_TEAM, YOLANDA.id, view, { reflection: REFLECTION, usefulness: "4" });
    expect(ok.ack).toEqual({ response_action: "clear" });
    await eventually(() => textOf(last(YOLANDA)).includes("Thanks, Yolanda!"));

    await t.slack.drain();
    expect(dmOf(ETHAN).some((m) => textOf(m).includes(REFLECTION))).toBe(true);
    // The teacher's copy keeps the feedback and loses its button.
    expect(buttonsOf(feedbackTo(YOLANDA))).toEqual([]);
    expect((await t.slack.service.store.getCycle("cedar-bluff", CYCLE))?.state).toBe("reflected");
  });

  it("sent nothing Slack would refuse", () => {
    expect(t.fake.violations).toEqual([]);
  });
});
