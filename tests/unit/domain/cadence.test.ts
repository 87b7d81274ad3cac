import { describe, expect, it } from "vitest";
import { cadenceNudges, cadenceStatus, nudgeKey } from "../../../src/domain/cadence.js";

const base = { contactEveryDays: 30, since: "2026-08-18" };

describe("cadenceStatus", () => {
  it("counts from `since` when there was never a contact", () => {
    expect(cadenceStatus({ ...base, lastContact: null, today: "2026-08-20" })).toEqual({
      lastContact: null,
      daysSince: null,
      nextDue: "2026-09-17",
      status: "ok",
    });
  });

  it("logging a contact moves nextDue and resets the status", () => {
    const before = cadenceStatus({ ...base, lastContact: null, today: "2026-09-20" });
    expect(before).toMatchObject({ nextDue: "2026-09-17", status: "overdue" });
    const after = cadenceStatus({ ...base, lastContact: "2026-09-20", today: "2026-09-20" });
    expect(after).toEqual({ lastContact: "2026-09-20", daysSince: 0, nextDue: "2026-10-20", status: "ok" });
  });

  it.each([
    ["2026-11-14", "ok", 14],
    ["2026-11-15", "due-soon", 15], // nextDue - 5
    ["2026-11-19", "due-soon", 19],
    ["2026-11-20", "overdue", 20], // nextDue
    ["2026-11-26", "overdue", 26],
    ["2026-11-27", "escalated", 27], // nextDue + 7
  ])("on %s the status is %s", (today, status, daysSince) => {
    // Every 20 days from 2026-10-31, across a month end: due 2026-11-20.
    const result = cadenceStatus({
      contactEveryDays: 20,
      since: "2026-08-18",
      lastContact: "2026-10-31",
      today,
    });
    expect(result).toEqual({ lastContact: "2026-10-31", daysSince, nextDue: "2026-11-20", status });
  });

  it("refuses a cadence that is not a positive whole number of days", () => {
    expect(() =>
      cadenceStatus({ ...base, contactEveryDays: 0, lastContact: null, today: "2026-09-01" }),
    ).toThrow(RangeError);
  });
});

describe("cadenceNudges", () => {
  it("gives the three stages with their dates and once-only keys", () => {
    expect(cadenceNudges("hickory-r1", "2027-01-03")).toEqual([
      {
        stage: "due-soon",
        due: "2026-12-29",
        key: "cst-nudge:hickory-r1:2027-01-03:due-soon",
        toLeadership: false,
      },
      {
        stage: "overdue",
        due: "2027-01-03",
        key: "cst-nudge:hickory-r1:2027-01-03:overdue",
        toLeadership: false,
      },
      {
        stage: "escalation",
        due: "2027-01-10",
        key: "cst-nudge:hickory-r1:2027-01-03:escalation",
        toLeadership: true,
      },
    ]);
  });

  it("a new contact gives new keys, so the next cycle's nudges are sent again", () => {
    expect(nudgeKey("d1", "2026-10-20", "overdue")).not.toBe(nudgeKey("d1", "2026-11-19", "overdue"));
    expect(nudgeKey("d1", "2026-10-20", "overdue")).toBe("cst-nudge:d1:2026-10-20:overdue");
  });
});
