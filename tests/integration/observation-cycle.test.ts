import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsOf, type LocalService, linkOf, startLocalService, textOf } from "../helpers/local-service.js";

// One whole peer-to-peer cycle through the local chat's HTTP API, with the service clock moved
// by time travel: prompt -> pick a time -> confirmation -> reminders -> did it happen ->
// feedback -> reflection. Prairie Valley is in America/Chicago (CDT = UTC-5 in September).

const EMILY = "emily.tran@prairievalley.example.org"; // observes first (sides[0])
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const SUSAN = "susan.harlan@prairievalley.example.org"; // district administrator
const CYCLE = "pv-grade3-peers-c1";
const CONTEXT = `prairie-valley/${CYCLE}`;
const GLOW = "Your exit ticket on equivalent fractions let every student show their thinking in two minutes.";
const GROW = "Try cold-calling with wait time so the quieter table group joins the discussion.";
const REFLECTION = "I will add three seconds of wait time and use name sticks tomorrow.";

let svc: LocalService;

const lastBot = async (as: string) =>
  (await svc.conversation(as)).filter((e) => e.from === "bot").at(-1)?.message;
const botMessages = async (as: string) =>
  (await svc.conversation(as)).filter((e) => e.from === "bot").map((e) => e.message!);

beforeAll(async () => {
  // Sunday evening: the first prompt is seeded for the next allowed instant, Monday 07:30.
  svc = await startLocalService("2026-09-13T23:00:00Z");
});
afterAll(async () => svc?.close());

describe("a full peer-to-peer observation cycle in the local chat", () => {
  it("prompts both partners at 07:30 on Monday, not before", async () => {
    await svc.travel("2026-09-14T12:29:00Z"); // 07:29 local
    expect(await botMessages(EMILY)).toHaveLength(0);
    await svc.travel("2026-09-14T12:30:00Z"); // 07:30 local
    const emily = await lastBot(EMILY);
    const jacob = await lastBot(JACOB);
    expect(textOf(emily)).toContain("Jacob Whitehorse");
    expect(textOf(emily)).toContain("You observe Jacob Whitehorse");
    expect(textOf(emily)).toContain("Feedback"); // the group's focus practice
    expect(textOf(jacob)).toContain("Emily Tran observes you");
    expect(actionsOf(emily).map((a) => a.id)).toEqual(["obs.pick-time", "obs.decline", "obs.snooze"]);
    // The administrator is not part of the cycle: no prompt of it reaches her.
    expect((await botMessages(SUSAN)).filter((m) => m.key.includes(CYCLE))).toHaveLength(0);
  });

  it("refuses a weekend, then schedules Wednesday 09:30 and confirms to both with a calendar file", async () => {
    const opened = await svc.action(EMILY, "obs.pick-time", CONTEXT);
    expect(opened.body.reply.form?.id).toBe("obs.schedule");

    const weekend = await svc.submit(EMILY, "obs.schedule", CONTEXT, { date: "2026-09-19", time: "09:30" });
    expect(weekend.status).toBe(422);
    expect(weekend.body.errors?.date).toMatch(/weekend/);

    const ok = await svc.submit(EMILY, "obs.schedule", CONTEXT, {
      date: "2026-09-16",
      time: "09:30",
      note: "Room 12",
    });
    expect(ok.status).toBe(200);
    expect(textOf(ok.body.reply?.messages[0])).toMatch(
      /Observation scheduled for Wednesday, September 16 at 9:30 AM/,
    );

    await svc.travel("2026-09-14T12:31:00Z"); // delivery runs with the next tick
    const jacob = await botMessages(JACOB);
    const confirmation = jacob.find((m) => m.key.startsWith(`scheduled:${CYCLE}`));
    expect(textOf(confirmation)).toContain("Emily Tran picked the time");
    expect(textOf(confirmation)).toContain("Room 12");
    // The prompt's buttons are gone: it was replaced in place.
    const prompt = jacob.find((m) => m.key.startsWith(`prompt:${CYCLE}`));
    expect(actionsOf(prompt)).toHaveLength(0);
    expect(textOf(prompt)).toMatch(/Emily Tran scheduled it/);

    const link = new URL(linkOf(confirmation)!);
    const ics = await fetch(svc.base + link.pathname + link.search);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toMatch(/text\/calendar/);
    const body = await ics.text();
    expect(body).toContain("DTSTART:20260916T143000Z");
    expect(body).toContain(`UID:${CYCLE}@coachbot`);
  });

  it("reminds both the school day before and an hour before", async () => {
    await svc.travel("2026-09-15T13:31:00Z"); // Tuesday 08:31 local
    for (const who of [EMILY, JACOB]) {
      expect(textOf(await lastBot(who))).toMatch(/Reminder: your observation .* is on the next school day/);
    }
    await svc.travel("2026-09-16T13:30:00Z"); // Wednesday 08:30 local = one hour before
    for (const who of [EMILY, JACOB]) {
      expect(textOf(await lastBot(who))).toMatch(/Reminder: your observation .* is coming up/);
    }
  });

  it("asks the observer, and only the observer, whether it happened", async () => {
    const jacobBefore = (await botMessages(JACOB)).length;
    await svc.travel("2026-09-16T15:30:00Z"); // 10:30 local, an hour after the start
    const ask = await lastBot(EMILY);
    expect(textOf(ask)).toMatch(/Did your observation of Jacob Whitehorse/);
    expect(actionsOf(ask).map((a) => a.id)).toEqual(["obs.happened", "obs.pick-time", "obs.cancel"]);
    expect((await botMessages(JACOB)).length).toBe(jacobBefore);
    // The observed teacher cannot answer for the observer.
    const notHis = await svc.action(JACOB, "obs.happened", CONTEXT);
    expect(textOf(notHis.body.reply.messages[0])).toMatch(/isn't for you/);
  });

  it("opens the feedback form on yes, refuses a blank strength, then delivers the feedback privately", async () => {
    const yes = await svc.action(EMILY, "obs.happened", CONTEXT);
    expect(yes.body.reply.form?.id).toBe("fb.give");
    expect(yes.body.reply.form?.values).toMatchObject({ focus: "Feedback" });

    const values = {
      focus: "Feedback",
      evidence: ["observation", "student-evidence"],
      glow: GLOW,
      grow: GROW,
      nextStep: "modeling",
    };
    const blank = await svc.submit(EMILY, "fb.give", CONTEXT, { ...values, glow: "   " });
    expect(blank.body.errors).toEqual({ glow: "Start with a strength: write what went well." });

    const sent = await svc.submit(EMILY, "fb.give", CONTEXT, values);
    expect(sent.status).toBe(200);
    expect(textOf(sent.body.reply?.messages[0])).toMatch(/Sent to Jacob Whitehorse, privately/);
    await svc.travel("2026-09-16T15:31:00Z");
    const feedback = await lastBot(JACOB);
    expect(textOf(feedback)).toContain(`Strength: ${GLOW}`);
    expect(textOf(feedback)).toContain(`Growth step: ${GROW}`);
    expect(textOf(feedback)).toContain("Modeling a lesson");
    // Strength first: it comes before the growth step.
    expect(textOf(feedback).indexOf(GLOW)).toBeLessThan(textOf(feedback).indexOf(GROW));
    expect(actionsOf(feedback).map((a) => a.id)).toEqual(["fb.reflect"]);
  });

  it("lets the teacher reflect and rate; the coach sees the reflection but not the rating", async () => {
    const form = await svc.action(JACOB, "fb.reflect", CONTEXT);
    expect(form.body.reply.form?.id).toBe("fb.reflect");
    const bad = await svc.submit(JACOB, "fb.reflect", CONTEXT, { reflection: REFLECTION, usefulness: 6 });
    expect(bad.body.errors).toEqual({ usefulness: "Pick a number from 1 to 5." });
    const ok = await svc.submit(JACOB, "fb.reflect", CONTEXT, { reflection: REFLECTION, usefulness: "4" });
    expect(ok.status).toBe(200);
    await svc.travel("2026-09-16T15:32:00Z");
    const note = await lastBot(EMILY);
    expect(textOf(note)).toContain(REFLECTION);
    expect(textOf(note)).not.toMatch(/\b4\b|rating|useful/i);
    // The teacher's copy keeps the feedback but loses its button.
    const copy = (await botMessages(JACOB)).find((m) => m.key.startsWith(`feedback:${CYCLE}`));
    expect(textOf(copy)).toContain(GLOW);
    expect(actionsOf(copy)).toHaveLength(0);

    const cycle = await svc.store.getCycle("prairie-valley", CYCLE);
    expect(cycle?.state).toBe("reflected");
  });

  it("keeps the feedback between coach and teacher", async () => {
    expect((await svc.store.feedbackFor("prairie-valley", CYCLE, EMILY))?.glow).toBe(GLOW);
    expect((await svc.store.feedbackFor("prairie-valley", CYCLE, JACOB))?.usefulness).toBe(4);
    expect(await svc.store.feedbackFor("prairie-valley", CYCLE, SUSAN)).toBeNull();
    const facts = await svc.store.feedbackFacts(
      "prairie-valley",
      "2026-09-01T00:00:00Z",
      "2026-10-01T00:00:00Z",
    );
    expect(facts).toHaveLength(1);
    expect(JSON.stringify(facts)).not.toContain(GLOW.slice(0, 20));
    // The administrator's own view of the bot shows nothing of it either.
    const status = await svc.command(SUSAN, "status");
    expect(JSON.stringify(status.body)).not.toContain(GLOW.slice(0, 20));
    expect(JSON.stringify(await svc.conversation(SUSAN))).not.toContain(GROW.slice(0, 20));
  });
});
