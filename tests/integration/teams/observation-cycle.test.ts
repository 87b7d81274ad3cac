import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeConnector, type PostedActivity } from "../../fixtures/fake-connector.js";
import { cardText, inputsOf, startTeamsService, submitsOf, type TeamsService, USERS } from "./harness.js";

// One whole peer-to-peer cycle in Teams (demo roster, Prairie Valley, America/Chicago): Emily
// installed the app herself; Jacob was only met as a member of a team the app was added to, so
// his 1:1 chat is opened by the bot (conversations.create). Every button press and form is sent
// to /api/messages as Teams sends it: a message whose value is the card's data plus its inputs,
// replying to the card.

const { emily: EMILY, jacob: JACOB } = USERS;
const TEAM = "19:pv-grade3-team@thread.tacv2";
const CONTEXT = "prairie-valley/pv-grade3-peers-c1";
const GLOW =
  "Your exit ticket on *equivalent fractions* let every student show their thinking [in two minutes](https://x.example).";
const GROW = "Try cold-calling with wait time so the quieter table group joins the discussion.";
const REFLECTION = "I will add three seconds of wait time and use name sticks tomorrow.";

let t: TeamsService;
let jacobChat = "";

const last = (chat: string) => t.fake.posted(chat).at(-1);
const find = (chat: string, pattern: RegExp) => t.fake.posted(chat).find((a) => pattern.test(cardText(a)));
const chatOf = (who: typeof EMILY) => (who === JACOB ? jacobChat : who.chat);
/** Pressing a card's button: Teams sends its data as the value, replying to the card. */
const press = (from: typeof EMILY, card: PostedActivity, data: Record<string, unknown>) =>
  t.send(t.personal(from, { type: "message", replyToId: card.id, value: data }, chatOf(from)));
const submitForm = (from: typeof EMILY, form: PostedActivity, values: Record<string, string>) =>
  press(from, form, { ...submitsOf(form)[0], ...values });

beforeAll(async () => {
  t = await startTeamsService("2026-09-13T23:00:00Z");
  t.fake.members.set(TEAM, [EMILY, JACOB]);
  t.fake.channels.set(TEAM, [{ id: TEAM }]);
  await t.install(EMILY);
  await t.installInTeam(EMILY, TEAM);
});
afterAll(async () => t?.close());
afterEach(() => expect(t.fake.cardProblems).toEqual([]));

describe("a full observation cycle in Teams", () => {
  it("prompts both partners from stored references, opening Jacob's 1:1 chat first", async () => {
    await t.at("2026-09-14T12:30:00Z"); // Monday 07:30 local
    const emily = last(EMILY.chat);
    expect(cardText(emily)).toContain("You observe Jacob Whitehorse");
    expect(submitsOf(emily)).toEqual([
      { action: "obs.pick-time", context: CONTEXT },
      { action: "obs.decline", context: CONTEXT },
      { action: "obs.snooze", context: CONTEXT },
    ]);
    const created = t.fake.calls.find((c) => c.method === "POST" && c.path === "/v3/conversations");
    expect(created?.body).toMatchObject({
      isGroup: false,
      members: [{ id: JACOB.id }],
      tenantId: expect.any(String),
    });
    jacobChat = [...t.fake.conversations.keys()].find((id) => id.startsWith("a:created-"))!;
    expect(cardText(last(jacobChat))).toContain("Emily Tran observes you");
    // Proactive sends are new posts (not replies to a made-up activity).
    expect(
      t.fake
        .callsTo(jacobChat)
        .filter((c) => c.method === "POST")
        .every((c) => !c.activityId),
    ).toBe(true);
  });

  it("opens the schedule form as a card, refuses a weekend in place, then confirms and closes the card", async () => {
    const prompt = last(EMILY.chat)!;
    await press(EMILY, prompt, submitsOf(prompt)[0]!);
    const form = last(EMILY.chat)!;
    expect(inputsOf(form).get("date")).toMatchObject({
      type: "Input.Date",
      isRequired: true,
      value: "2026-09-14",
    });
    expect(submitsOf(form)).toEqual([{ form: "obs.schedule", context: CONTEXT }]);

    await submitForm(EMILY, form, { date: "2026-09-19", time: "09:30" });
    const refused = t.fake.posted(EMILY.chat).find((a) => a.id === form.id)!;
    expect(t.fake.calls.at(-1)).toMatchObject({ method: "PUT", activityId: form.id });
    expect(cardText(refused)).toMatch(/weekend/);
    expect(inputsOf(refused).get("date")?.value).toBe("2026-09-19"); // what was typed stays
    expect(submitsOf(refused)).toHaveLength(1);

    await submitForm(EMILY, refused, { date: "2026-09-16", time: "09:30", note: "Room 12" });
    const closed = t.fake.posted(EMILY.chat).find((a) => a.id === form.id)!;
    expect(cardText(closed)).toMatch(/Submitted/);
    expect(submitsOf(closed)).toEqual([]); // read-only: it cannot be sent twice
    expect(cardText(last(EMILY.chat))).toMatch(
      /Observation scheduled for Wednesday, September 16 at 9:30 AM/,
    );

    await t.at("2026-09-14T12:31:00Z");
    expect(cardText(find(jacobChat, /picked the time/))).toContain("Room 12");
    const jacobPrompt = t.fake.posted(jacobChat)[0]!;
    expect(cardText(jacobPrompt)).toMatch(/Emily Tran scheduled it/); // updated in place
    expect(submitsOf(jacobPrompt)).toEqual([]);
  });

  it("reminds both the school day before and an hour before", async () => {
    await t.at("2026-09-15T13:31:00Z");
    for (const chat of [EMILY.chat, jacobChat])
      expect(cardText(last(chat))).toMatch(/is on the next school day/);
    await t.at("2026-09-16T13:30:00Z");
    for (const chat of [EMILY.chat, jacobChat]) expect(cardText(last(chat))).toMatch(/is coming up/);
  });

  it("asks the observer whether it happened, and opens the feedback card on yes", async () => {
    const jacobBefore = t.fake.posted(jacobChat).length;
    await t.at("2026-09-16T15:30:00Z");
    const ask = last(EMILY.chat)!;
    expect(cardText(ask)).toMatch(/Did your observation of Jacob Whitehorse/);
    expect(t.fake.posted(jacobChat)).toHaveLength(jacobBefore);
    await press(EMILY, ask, submitsOf(ask)[0]!);
    const form = last(EMILY.chat)!;
    expect(submitsOf(form)).toEqual([{ form: "fb.give", context: CONTEXT }]);
    expect(inputsOf(form).get("evidence")).toMatchObject({ isMultiSelect: true, value: "observation" });
  });

  it("updates the feedback card in place with each field's message, then makes it read-only once sent", async () => {
    const form = last(EMILY.chat)!;
    const values = {
      focus: "Feedback",
      evidence: "observation,student-evidence",
      glow: "  ",
      grow: GROW,
      nextStep: "",
    };
    await submitForm(EMILY, form, values);
    const put = t.fake.calls.at(-1)!;
    expect(put).toMatchObject({ method: "PUT", activityId: form.id, status: 200 });
    const refused = t.fake.posted(EMILY.chat).find((a) => a.id === form.id)!;
    const body = FakeConnector.cardOf(refused)?.body as { id?: string; text?: string }[];
    const under = (field: string) => body[body.findIndex((e) => e.id === field) + 1]?.text ?? "";
    expect(under("glow")).toContain("Start with a strength");
    expect(under("nextStep")).toContain("Pick the support you offer next");
    expect(inputsOf(refused).get("grow")?.value).toBe(GROW);
    expect(t.fake.posted(jacobChat).some((a) => cardText(a).includes(GROW))).toBe(false);

    await submitForm(EMILY, refused, { ...values, glow: GLOW, nextStep: "modeling" });
    const sent = t.fake.posted(EMILY.chat).find((a) => a.id === form.id)!;
    expect(cardText(sent)).toMatch(/Submitted/);
    expect(cardText(sent)).toContain("Modeling a lesson");
    expect(submitsOf(sent)).toEqual([]);
    expect(cardText(last(EMILY.chat))).toMatch(/Sent to Jacob Whitehorse, privately/);
  });

  it("delivers the feedback to the teacher only, strength first, with the text shown as typed", async () => {
    await t.at("2026-09-16T15:31:00Z");
    const feedback = find(jacobChat, /Feedback from Emily Tran/)!;
    const text = cardText(feedback);
    expect(text).toContain(`Strength: ${GLOW}`);
    expect(text.indexOf(GLOW)).toBeLessThan(text.indexOf(GROW));
    // Markdown in what Emily typed is escaped, so it shows literally (no emphasis, no link).
    expect(JSON.stringify(FakeConnector.cardOf(feedback))).toContain("\\\\*equivalent fractions\\\\*");
    expect(JSON.stringify(FakeConnector.cardOf(feedback))).toContain("\\\\[in two minutes\\\\]");
    expect(submitsOf(feedback)).toEqual([{ action: "fb.reflect", context: CONTEXT }]);
  });

  it("lets the teacher reflect; the coach gets the reflection and the feedback card loses its button", async () => {
    const feedback = find(jacobChat, /Feedback from Emily Tran/)!;
    await press(JACOB, feedback, submitsOf(feedback)[0]!);
    const form = last(jacobChat)!;
    expect(inputsOf(form).get("usefulness")).toMatchObject({ type: "Input.ChoiceSet", style: "expanded" });
    await submitForm(JACOB, form, { reflection: REFLECTION, usefulness: "4" });
    expect(submitsOf(t.fake.posted(jacobChat).find((a) => a.id === form.id))).toEqual([]);

    await t.at("2026-09-16T15:32:00Z");
    expect(cardText(find(EMILY.chat, /reflected on your feedback/))).toContain(REFLECTION);
    expect(cardText(find(EMILY.chat, /reflected on your feedback/))).not.toMatch(/\b4\b/);
    const updated = t.fake.posted(jacobChat).find((a) => a.id === feedback.id)!;
    expect(cardText(updated)).toMatch(/You reflected on this feedback/);
    expect(submitsOf(updated)).toEqual([]);
  });
});
