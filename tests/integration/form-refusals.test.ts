import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cycle } from "../../src/domain/model.js";
import { type LocalService, startLocalService } from "../helpers/local-service.js";

// Every refusal comes back as one message per field, and nothing is written: the cycle, the
// due index, the outbox and the feedback are exactly as before.

const EMILY = "emily.tran@prairievalley.example.org";
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const DISTRICT = "prairie-valley";
const CYCLE = "pv-grade3-peers-c1";
const CONTEXT = `${DISTRICT}/${CYCLE}`;

let svc: LocalService;

async function snapshot() {
  const cycle = await svc.store.getCycle(DISTRICT, CYCLE);
  return {
    cycle,
    due: await svc.store.countDue(),
    outbox: await svc.store.outboxCounts(),
    feedback: await svc.store.feedbackFor(DISTRICT, CYCLE, JACOB),
    inbox: (await svc.conversation(EMILY)).length,
  };
}

async function expectRefused(
  as: string,
  form: string,
  values: Record<string, unknown>,
  field: string,
  message: RegExp,
) {
  const before = await snapshot();
  const r = await svc.submit(as, form, CONTEXT, values);
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.errors ?? {})).toEqual([field]);
  expect(r.body.errors?.[field]).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

beforeAll(async () => {
  // Monday 2026-09-14, 10:00 local: the first cycle has just been prompted.
  svc = await startLocalService("2026-09-13T23:00:00Z");
  await svc.travel("2026-09-14T15:00:00Z");
  // Jacob already has an observation with another group on Wednesday at 09:30.
  const other: Cycle = {
    id: "other-group-c1",
    groupId: "other-group",
    districtId: DISTRICT,
    seq: 1,
    observerId: "lauren.okafor@prairievalley.example.org",
    observedId: JACOB,
    focus: "Feedback",
    state: "scheduled",
    promptedAt: "2026-09-10T15:00:00.000Z",
    scheduledAt: "2026-09-16T14:30:00.000Z",
    reschedules: 0,
    nudges: 0,
    updatedAt: "2026-09-10T15:00:00.000Z",
    version: 1,
  };
  await svc.store.apply({ districtId: DISTRICT, cycles: [{ cycle: other, expectedVersion: 0 }] });
});
afterAll(async () => svc?.close());

describe("the schedule form refuses, per field, and writes nothing", () => {
  it.each([
    ["a missing date", { time: "09:30" }, "date", /Pick the day of the observation/],
    [
      "a date in the wrong shape",
      { date: "16/09/2026", time: "09:30" },
      "date",
      /Use a date like 2026-12-08/,
    ],
    ["a day that does not exist", { date: "2026-02-30", time: "09:30" }, "date", /does not exist/],
    ["a day in the past", { date: "2026-09-11", time: "09:30" }, "date", /has already passed/],
    ["an earlier time today", { date: "2026-09-14", time: "08:00" }, "time", /has already passed/],
    ["a weekend", { date: "2026-09-19", time: "09:30" }, "date", /weekend/],
    ["a no-school day", { date: "2026-10-09", time: "09:30" }, "date", /no school/],
    ["a holiday break", { date: "2026-12-22", time: "09:30" }, "date", /no school/],
    ["after the school year", { date: "2027-06-01", time: "09:30" }, "date", /after the school year ends/],
    [
      "before working hours",
      { date: "2026-09-16", time: "07:00" },
      "time",
      /School hours are 7:30 AM to 4:00 PM/,
    ],
    [
      "at the end of working hours",
      { date: "2026-09-16", time: "16:00" },
      "time",
      /School hours are 7:30 AM to 4:00 PM/,
    ],
    ["a time in the wrong shape", { date: "2026-09-16", time: "9.30am" }, "time", /Use a time like 09:30/],
    [
      "a clash with the partner's other observation",
      { date: "2026-09-16", time: "09:45" },
      "time",
      /Jacob already has an observation at Wednesday, September 16 at 9:30 AM/,
    ],
    [
      "a note that is too long",
      { date: "2026-09-17", time: "09:30", note: "x".repeat(501) },
      "note",
      /500 characters or fewer/,
    ],
  ])("%s", async (_name, values, field, message) => {
    await expectRefused(EMILY, "obs.schedule", values, field, message);
  });

  it("is not open to someone outside the cycle", async () => {
    const before = await snapshot();
    const r = await svc.submit("kevin.brooks@prairievalley.example.org", "obs.schedule", CONTEXT, {
      date: "2026-09-17",
      time: "09:30",
    });
    expect(r.body.reply?.messages[0]?.key).toBe("not-yours");
    expect(await snapshot()).toEqual(before);
  });
});

describe("the feedback and reflection forms refuse, per field, and write nothing", () => {
  const good = {
    focus: "Feedback",
    evidence: ["observation"],
    glow: "Clear success criteria on the board.",
    grow: "Check for understanding before independent practice.",
    nextStep: "co-planning",
  };

  beforeAll(async () => {
    const scheduled = await svc.submit(EMILY, "obs.schedule", CONTEXT, { date: "2026-09-17", time: "09:30" });
    expect(scheduled.status).toBe(200);
    await svc.travel("2026-09-17T15:30:00Z");
    const yes = await svc.action(EMILY, "obs.happened", CONTEXT);
    expect(yes.body.reply.form?.id).toBe("fb.give");
  });

  it.each([
    ["a blank strength", { glow: "" }, "glow", /Start with a strength/],
    ["a whitespace-only strength", { glow: "  \n\t " }, "glow", /Start with a strength/],
    ["a whitespace-only growth step", { grow: "   " }, "grow", /Add one growth step/],
    ["a strength over 1000 characters", { glow: "a".repeat(1001) }, "glow", /1000 characters or fewer/],
    ["no evidence", { evidence: [] }, "evidence", /at least one kind of evidence/],
    ["evidence that is not an option", { evidence: ["gut feeling"] }, "evidence", /Pick/],
    ["a focus outside the DCI practices", { focus: "Vibes" }, "focus", /Pick one of the options/],
    ["no next step", { nextStep: undefined }, "nextStep", /Pick the support you offer next/],
    [
      "a moment of need that is not one of the five",
      { momentOfNeed: "Mondays" },
      "momentOfNeed",
      /Pick one of the options/,
    ],
  ])("feedback: %s", async (_name, change, field, message) => {
    await expectRefused(EMILY, "fb.give", { ...good, ...change }, field, message);
  });

  it("feedback: only the observer may write it", async () => {
    const before = await snapshot();
    const r = await svc.submit(JACOB, "fb.give", CONTEXT, good);
    expect(r.body.reply?.messages[0]?.key).toBe("not-yours");
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["no reflection", { usefulness: 4 }, "reflection", /what you will try next/],
    ["no rating", { reflection: "More wait time." }, "usefulness", /Rate the feedback from 1/],
    ["a rating of 0", { reflection: "More wait time.", usefulness: 0 }, "usefulness", /from 1 to 5/],
    ["a rating of 6", { reflection: "More wait time.", usefulness: "6" }, "usefulness", /from 1 to 5/],
    [
      "a rating that is not a number",
      { reflection: "More wait time.", usefulness: "great" },
      "usefulness",
      /from 1 to 5/,
    ],
  ])("reflection: %s", async (_name, values, field, message) => {
    const sent = await svc.store.getCycle(DISTRICT, CYCLE);
    if (sent?.state === "observed") {
      expect((await svc.submit(EMILY, "fb.give", CONTEXT, good)).status).toBe(200);
    }
    await expectRefused(JACOB, "fb.reflect", values, field, message);
  });
});
