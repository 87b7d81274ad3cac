import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../helpers/local-service.js";

// Free text that looks like it names a student is held back with a warning before anything is
// saved; sending the same text again keeps it (the teacher decides).

const EMILY = "emily.tran@prairievalley.example.org";
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const DISTRICT = "prairie-valley";
const CONTEXT = `${DISTRICT}/pv-grade3-peers-c1`;
const values = {
  focus: "Feedback",
  evidence: ["observation"],
  glow: "Your student Tyler explained his strategy to the whole class.",
  grow: "Give a second example before independent practice.",
  nextStep: "resource",
};

let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService("2026-09-13T23:00:00Z");
  await svc.travel("2026-09-14T15:00:00Z");
  expect(
    (await svc.submit(EMILY, "obs.schedule", CONTEXT, { date: "2026-09-15", time: "09:30" })).status,
  ).toBe(200);
  await svc.travel("2026-09-15T15:30:00Z");
  expect((await svc.action(EMILY, "obs.happened", CONTEXT)).body.reply.form?.id).toBe("fb.give");
});
afterAll(async () => svc?.close());

describe("student names in feedback", () => {
  it("warns on the field and saves nothing the first time", async () => {
    const r = await svc.submit(EMILY, "fb.give", CONTEXT, values);
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.errors ?? {})).toEqual(["glow"]);
    expect(r.body.errors?.glow).toMatch(/may name a student \("Tyler"\).*write "a student" instead/);
    expect(await svc.store.feedbackFor(DISTRICT, "pv-grade3-peers-c1", JACOB)).toBeNull();
  });

  it("accepts the text after the change the warning suggests", async () => {
    const fixed = { ...values, glow: "A student explained his strategy to the whole class." };
    const r = await svc.submit(EMILY, "fb.give", CONTEXT, fixed);
    expect(r.status).toBe(200);
    expect((await svc.store.feedbackFor(DISTRICT, "pv-grade3-peers-c1", JACOB))?.glow).toBe(fixed.glow);
  });

  it("keeps the text when the same text is sent again: the teacher decides", async () => {
    const reflection = { reflection: "I will pair my student Ava with a reading buddy.", usefulness: 5 };
    const first = await svc.submit(JACOB, "fb.reflect", CONTEXT, reflection);
    expect(first.status).toBe(422);
    expect(first.body.errors?.reflection).toMatch(/"Ava"/);
    const again = await svc.submit(JACOB, "fb.reflect", CONTEXT, reflection);
    expect(again.status).toBe(200);
    expect((await svc.store.feedbackFor(DISTRICT, "pv-grade3-peers-c1", JACOB))?.reflection).toBe(
      reflection.reflection,
    );
  });
});
