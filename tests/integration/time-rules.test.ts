import { afterEach, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../helpers/local-service.js";

// Nothing is sent on a weekend, a no-school day, outside working hours (07:30-16:00 in
// America/Chicago for Prairie Valley, 07:45-15:30 for Cedar Bluff) or to a paused teacher.
// Every test boots the real service with a fresh store, so the first prompts are seeded for the
// next allowed instant after the start.

const EMILY = "emily.tran@prairievalley.example.org";
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const ETHAN = "ethan.marsh@cedarbluff.example.org"; // Cedar Bluff starts at 07:45

let svc: LocalService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

async function botCount(who: string): Promise<number> {
  return (await svc!.conversation(who)).filter((e) => e.from === "bot").length;
}

async function expectSilentAt(...instants: string[]) {
  for (const at of instants) {
    const r = await svc!.travel(at);
    expect(r.body.delivered, `nothing may be sent at ${at}`).toBe(0);
  }
  expect(await svc!.store.outboxCounts()).toMatchObject({ pending: 0, sent: 0 });
}

describe("when prompts may go out", () => {
  it("waits over the weekend and starts at 07:30 on Monday, not 07:29", async () => {
    svc = await startLocalService("2026-09-18T21:30:00Z"); // Friday 16:30 local, after hours
    await expectSilentAt(
      "2026-09-18T21:31:00Z",
      "2026-09-19T15:00:00Z",
      "2026-09-20T15:00:00Z",
      "2026-09-21T12:29:00Z",
    );
    await svc.travel("2026-09-21T12:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
    expect(await botCount(JACOB)).toBe(1);
  });

  it("keeps each district's own hours: Cedar Bluff waits until 07:45", async () => {
    svc = await startLocalService("2026-09-20T15:00:00Z"); // Sunday
    await svc.travel("2026-09-21T12:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
    expect(await botCount(ETHAN)).toBe(0);
    await svc.travel("2026-09-21T12:44:00Z");
    expect(await botCount(ETHAN)).toBe(0);
    await svc.travel("2026-09-21T12:45:00Z");
    expect(await botCount(ETHAN)).toBe(1);
  });

  it("skips a district's no-school day (a Friday PD day) while the other district, in school, goes ahead", async () => {
    svc = await startLocalService("2026-10-08T21:30:00Z"); // Thursday 16:30 local
    await svc.travel("2026-10-09T12:30:00Z");
    await svc.travel("2026-10-09T17:00:00Z");
    expect(await botCount(EMILY)).toBe(0); // Prairie Valley: no school on 2026-10-09
    expect(await botCount(ETHAN)).toBe(1); // Cedar Bluff: a school day
    await svc.travel("2026-10-12T12:29:00Z");
    expect(await botCount(EMILY)).toBe(0);
    await svc.travel("2026-10-12T12:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
  });

  it("after the autumn DST change, 07:30 is 13:30 UTC (06:30 local stays silent)", async () => {
    svc = await startLocalService("2026-11-01T18:00:00Z"); // Sunday, the day clocks fall back
    await expectSilentAt("2026-11-02T12:30:00Z", "2026-11-02T13:29:00Z");
    await svc.travel("2026-11-02T13:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
  });

  it("after the spring DST change, 07:30 is 12:30 UTC", async () => {
    svc = await startLocalService("2027-03-21T18:00:00Z"); // Sunday after spring break; DST began 03-14
    await expectSilentAt("2027-03-22T12:29:00Z");
    await svc.travel("2027-03-22T12:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
  });

  it("holds everything over a winter break that spans New Year", async () => {
    svc = await startLocalService("2026-12-18T22:30:00Z"); // Friday 16:30 CST, break starts Monday
    await expectSilentAt(
      "2026-12-21T14:00:00Z",
      "2026-12-31T15:00:00Z",
      "2027-01-01T15:00:00Z",
      "2027-01-04T13:29:00Z",
    );
    await svc.travel("2027-01-04T13:30:00Z");
    expect(await botCount(EMILY)).toBe(1);
  });

  it("sends nothing to a paused teacher, and picks up again on the day given", async () => {
    svc = await startLocalService("2026-09-13T23:00:00Z"); // Sunday
    const paused = await svc.command(EMILY, "pause until 2026-09-21");
    expect(paused.body.reply.messages[0]?.summary).toMatch(/Paused/);
    await svc.travel("2026-09-14T12:30:00Z");
    // Her group waits for her; her partner is not prompted alone either. Other groups go ahead.
    expect(await botCount(JACOB)).toBe(0);
    expect(await botCount("kevin.brooks@prairievalley.example.org")).toBe(1);
    await svc.travel("2026-09-18T15:00:00Z");
    expect(await botCount(JACOB)).toBe(0);
    await svc.travel("2026-09-21T12:30:00Z");
    expect(await botCount(JACOB)).toBe(1);
    expect(
      (await svc.conversation(EMILY)).filter((e) => e.from === "bot").map((e) => e.message?.key),
    ).toEqual(["paused", "prompt:pv-grade3-peers-c1:emily.tran@prairievalley.example.org"]);
  });

  it("refuses a pause date in the past or in the wrong shape, changing nothing", async () => {
    svc = await startLocalService("2026-09-14T15:00:00Z");
    for (const text of ["pause until 2026-09-01", "pause until next week", "pause"]) {
      const r = await svc.command(EMILY, text);
      expect(r.body.reply.messages[0]?.key).toBe("pause-error");
    }
    expect(await svc.store.getDoc("person-state", EMILY)).toBeNull();
  });
});
