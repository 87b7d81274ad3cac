import { describe, expect, it } from "vitest";
import {
  addDays,
  addSchoolDays,
  checkObservationSlot,
  daysBetween,
  isSchoolDay,
  localDate,
  localInstant,
  mayMessage,
  mergeRanges,
  nextAllowed,
  previousSchoolDay,
} from "../../../src/domain/calendar.js";
import type { District, SchoolCalendar } from "../../../src/domain/model.js";

// 2025-26: spans the 2026-03-08 spring-forward. 2026-27: spans the 2026-11-01 fall-back and a
// winter break across New Year. firstDay is a Tuesday and lastDay a Thursday so the days just outside
// the year are weekdays.
const YEAR_2025: SchoolCalendar = { firstDay: "2025-08-19", lastDay: "2026-05-21", noSchool: [] };
const YEAR_2026: SchoolCalendar = {
  firstDay: "2026-08-18",
  lastDay: "2027-05-20",
  noSchool: [
    { from: "2026-11-25", to: "2026-11-27" },
    { from: "2026-12-21", to: "2027-01-01" },
  ],
};

function district(timezone: string, calendar: SchoolCalendar, start = "07:30", end = "16:00"): District {
  return {
    id: "d1",
    name: "Test R-1",
    timezone,
    workHours: { start, end },
    calendar,
    cst: { facilitators: [], contactEveryDays: 30 },
    buildings: [],
  };
}

const chicago25 = district("America/Chicago", YEAR_2025);
const chicago26 = district("America/Chicago", YEAR_2026);
const newYork26 = district("America/New_York", YEAR_2026);
const phoenix25 = district("America/Phoenix", YEAR_2025);
const utc = (iso: string) => new Date(iso);

describe("date helpers", () => {
  it("adds days and counts days across month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-12-25", "2027-01-04")).toBe(10);
    expect(daysBetween("2027-01-04", "2026-12-25")).toBe(-10);
    expect(() => addDays("2026-02-30", 1)).toThrow(/not a date/);
  });

  it("merges overlapping and back-to-back ranges, sorted", () => {
    expect(
      mergeRanges([
        { from: "2026-12-28", to: "2027-01-01" },
        { from: "2026-11-26", to: "2026-11-26" },
        { from: "2026-12-21", to: "2026-12-27" },
        { from: "2026-11-25", to: "2026-11-25" },
        { from: "2026-12-30", to: "2026-12-31" },
      ]),
    ).toEqual([
      { from: "2026-11-25", to: "2026-11-26" },
      { from: "2026-12-21", to: "2027-01-01" },
    ]);
  });
});

describe("isSchoolDay", () => {
  it("respects the school-year boundary", () => {
    expect(isSchoolDay(chicago26, "2026-08-17")).toBe(false); // Monday before firstDay
    expect(isSchoolDay(chicago26, "2026-08-18")).toBe(true);
    expect(isSchoolDay(chicago26, "2027-05-20")).toBe(true);
    expect(isSchoolDay(chicago26, "2027-05-21")).toBe(false); // Friday after lastDay
  });

  it("skips weekends and no-school ranges (inclusive at both ends)", () => {
    expect(isSchoolDay(chicago26, "2026-08-22")).toBe(false); // Saturday
    expect(isSchoolDay(chicago26, "2026-08-23")).toBe(false); // Sunday
    expect(isSchoolDay(chicago26, "2026-08-24")).toBe(true);
    expect(isSchoolDay(chicago26, "2026-12-18")).toBe(true);
    expect(isSchoolDay(chicago26, "2026-12-21")).toBe(false);
    expect(isSchoolDay(chicago26, "2027-01-01")).toBe(false);
    expect(isSchoolDay(chicago26, "2027-01-04")).toBe(true);
  });

  it("is false for text that is not a real date", () => {
    expect(isSchoolDay(chicago26, "2027-02-30")).toBe(false);
    expect(isSchoolDay(chicago26, "next tuesday")).toBe(false);
  });
});

describe("localDate", () => {
  it("uses the district's zone, not UTC", () => {
    expect(localDate(chicago25, utc("2026-03-09T04:59:00Z"))).toBe("2026-03-08"); // 23:59 CDT
    expect(localDate(chicago25, utc("2026-03-09T05:00:00Z"))).toBe("2026-03-09");
    expect(localDate(phoenix25, utc("2026-07-01T06:59:00Z"))).toBe("2026-06-30"); // 23:59 MST
  });

  it("refuses a district with an unknown zone", () => {
    expect(() => localDate(district("Mars/Olympus", YEAR_2025), utc("2026-03-09T12:00:00Z"))).toThrow(
      /not an IANA time zone/,
    );
  });
});

describe("localInstant", () => {
  it("returns null for the hour skipped at spring forward", () => {
    expect(localInstant(chicago25, "2026-03-08", "02:30")).toBeNull();
    expect(localInstant(newYork26, "2026-03-08", "02:00")).toBeNull();
    expect(localInstant(chicago25, "2026-03-08", "03:00")).toEqual(utc("2026-03-08T08:00:00Z"));
    expect(localInstant(chicago25, "2026-03-08", "01:59")).toEqual(utc("2026-03-08T07:59:00Z"));
  });

  it("resolves the repeated fall-back hour to the earlier instant", () => {
    expect(localInstant(chicago26, "2026-11-01", "01:30")).toEqual(utc("2026-11-01T06:30:00Z")); // CDT
    expect(localInstant(newYork26, "2026-11-01", "01:30")).toEqual(utc("2026-11-01T05:30:00Z")); // EDT
    expect(localInstant(chicago26, "2026-11-01", "02:00")).toEqual(utc("2026-11-01T08:00:00Z")); // CST
  });

  it("uses the right offset either side of a change, and none in Phoenix", () => {
    expect(localInstant(chicago25, "2026-03-06", "07:30")).toEqual(utc("2026-03-06T13:30:00Z"));
    expect(localInstant(chicago25, "2026-03-09", "07:30")).toEqual(utc("2026-03-09T12:30:00Z"));
    expect(localInstant(phoenix25, "2026-03-06", "07:30")).toEqual(utc("2026-03-06T14:30:00Z"));
    expect(localInstant(phoenix25, "2026-03-09", "07:30")).toEqual(utc("2026-03-09T14:30:00Z"));
  });

  it("returns null for malformed input", () => {
    expect(localInstant(chicago25, "2026-03-09", "24:00")).toBeNull();
    expect(localInstant(chicago25, "2026-03-09", "7:30")).toBeNull();
    expect(localInstant(chicago25, "2026-02-30", "07:30")).toBeNull();
  });
});

describe("mayMessage", () => {
  it("07:29 vs 07:30 on the first school Monday after spring forward (UTC-5)", () => {
    expect(mayMessage(chicago25, utc("2026-03-09T12:29:00Z"))).toBe(false);
    expect(mayMessage(chicago25, utc("2026-03-09T12:30:00Z"))).toBe(true);
    // The week before, 07:30 was an hour later in UTC (UTC-6).
    expect(mayMessage(chicago25, utc("2026-03-02T13:29:00Z"))).toBe(false);
    expect(mayMessage(chicago25, utc("2026-03-02T13:30:00Z"))).toBe(true);
  });

  it("07:29 vs 07:30 on the Monday after fall back (UTC-6), in Chicago and New York", () => {
    expect(mayMessage(chicago26, utc("2026-11-02T13:29:00Z"))).toBe(false);
    expect(mayMessage(chicago26, utc("2026-11-02T13:30:00Z"))).toBe(true);
    expect(mayMessage(newYork26, utc("2026-11-02T12:29:00Z"))).toBe(false);
    expect(mayMessage(newYork26, utc("2026-11-02T12:30:00Z"))).toBe(true);
  });

  it("stops at the end of work hours (end is exclusive)", () => {
    expect(mayMessage(chicago25, utc("2026-03-09T20:59:59Z"))).toBe(true); // 15:59:59 CDT
    expect(mayMessage(chicago25, utc("2026-03-09T21:00:00Z"))).toBe(false); // 16:00 CDT
  });

  it("is false on weekends, no-school days and outside the year", () => {
    expect(mayMessage(chicago26, utc("2026-08-22T15:00:00Z"))).toBe(false); // Saturday 10:00
    expect(mayMessage(chicago26, utc("2026-12-22T16:00:00Z"))).toBe(false); // winter break
    expect(mayMessage(chicago26, utc("2026-08-17T15:00:00Z"))).toBe(false); // day before firstDay
    expect(mayMessage(chicago26, utc("2026-08-18T15:00:00Z"))).toBe(true);
  });

  it("Phoenix keeps UTC-7 all year", () => {
    expect(mayMessage(phoenix25, utc("2026-03-09T14:29:00Z"))).toBe(false);
    expect(mayMessage(phoenix25, utc("2026-03-09T14:30:00Z"))).toBe(true);
    expect(mayMessage(phoenix25, utc("2026-01-12T14:30:00Z"))).toBe(true);
  });
});

describe("nextAllowed", () => {
  it("returns the instant itself when messaging is allowed", () => {
    const at = utc("2026-03-10T15:00:00Z");
    expect(nextAllowed(chicago25, at)).toEqual(at);
  });

  it("waits for the start of work hours later the same school day", () => {
    expect(nextAllowed(chicago25, utc("2026-03-09T11:00:00Z"))).toEqual(utc("2026-03-09T12:30:00Z"));
  });

  it("moves from Friday evening over the spring-forward weekend to Monday 07:30 CDT", () => {
    expect(nextAllowed(chicago25, utc("2026-03-06T22:00:00Z"))).toEqual(utc("2026-03-09T12:30:00Z"));
  });

  it("moves from Friday evening over the fall-back weekend to Monday 07:30 CST", () => {
    expect(nextAllowed(chicago26, utc("2026-10-30T21:00:00Z"))).toEqual(utc("2026-11-02T13:30:00Z"));
  });

  it("skips a winter break that spans New Year", () => {
    // Friday 2026-12-18 16:00 CST -> Monday 2027-01-04 07:30 CST.
    expect(nextAllowed(chicago26, utc("2026-12-18T22:00:00Z"))).toEqual(utc("2027-01-04T13:30:00Z"));
  });

  it("waits through the summer for firstDay", () => {
    expect(nextAllowed(chicago26, utc("2026-07-01T15:00:00Z"))).toEqual(utc("2026-08-18T12:30:00Z"));
  });

  it("is null after the last school day has ended", () => {
    expect(nextAllowed(chicago26, utc("2027-05-20T21:00:00Z"))).toBeNull();
    expect(nextAllowed(chicago26, utc("2027-06-15T15:00:00Z"))).toBeNull();
  });

  it("uses New York's own offsets", () => {
    expect(nextAllowed(newYork26, utc("2026-10-30T21:00:00Z"))).toEqual(utc("2026-11-02T12:30:00Z"));
  });

  it("Phoenix: Monday 07:30 is 14:30Z on both sides of the US change", () => {
    expect(nextAllowed(phoenix25, utc("2026-03-06T23:00:00Z"))).toEqual(utc("2026-03-09T14:30:00Z"));
  });
});

describe("addSchoolDays", () => {
  it("keeps the local wall time across spring forward", () => {
    // Thursday 10:00 CST + 2 school days = Monday 10:00 CDT.
    expect(addSchoolDays(chicago25, utc("2026-03-05T16:00:00Z"), 2)).toEqual(utc("2026-03-09T15:00:00Z"));
  });

  it("keeps the local wall time across fall back", () => {
    // Friday 09:15 CDT + 1 = Monday 09:15 CST.
    expect(addSchoolDays(chicago26, utc("2026-10-30T14:15:00Z"), 1)).toEqual(utc("2026-11-02T15:15:00Z"));
  });

  it("counts only school days", () => {
    expect(addSchoolDays(chicago26, utc("2026-12-17T15:00:00Z"), 2)).toEqual(utc("2027-01-04T15:00:00Z"));
    expect(addSchoolDays(chicago26, utc("2026-08-22T15:00:00Z"), 1)).toEqual(utc("2026-08-24T15:00:00Z"));
  });

  it("returns the instant unchanged for 0 days", () => {
    expect(addSchoolDays(chicago26, utc("2026-11-01T07:30:00Z"), 0)).toEqual(utc("2026-11-01T07:30:00Z"));
  });

  it("stops at the day after lastDay when the year runs out", () => {
    expect(addSchoolDays(chicago26, utc("2027-05-19T15:00:00Z"), 5)).toEqual(utc("2027-05-21T15:00:00Z"));
  });

  it("uses the next valid instant when the wall time falls in a DST gap", () => {
    // Cairo skips 00:00-01:00 on Friday 2026-04-24: Thursday 00:30 + 1 lands on 01:00 EEST.
    const cairo = district("Africa/Cairo", { firstDay: "2026-01-05", lastDay: "2026-06-30", noSchool: [] });
    expect(addSchoolDays(cairo, utc("2026-04-22T22:30:00Z"), 1)).toEqual(utc("2026-04-23T22:00:00Z"));
  });

  it("rejects a negative or fractional count", () => {
    expect(() => addSchoolDays(chicago26, utc("2026-09-01T15:00:00Z"), -1)).toThrow(RangeError);
    expect(() => addSchoolDays(chicago26, utc("2026-09-01T15:00:00Z"), 1.5)).toThrow(RangeError);
  });
});

describe("previousSchoolDay", () => {
  it("skips weekends and breaks", () => {
    expect(previousSchoolDay(chicago26, "2027-01-04")).toBe("2026-12-18");
    expect(previousSchoolDay(chicago26, "2026-08-24")).toBe("2026-08-21");
  });

  it("is lastDay after the year and null on or before firstDay", () => {
    expect(previousSchoolDay(chicago26, "2027-06-10")).toBe("2027-05-20");
    expect(previousSchoolDay(chicago26, "2026-08-18")).toBeNull();
    expect(previousSchoolDay(chicago26, "2026-08-01")).toBeNull();
  });
});

describe("checkObservationSlot", () => {
  const now = utc("2026-09-01T15:00:00Z"); // Tuesday 10:00 CDT

  it("accepts a school-day time inside work hours", () => {
    expect(checkObservationSlot(chicago26, "2026-09-02", "07:30", now)).toBeNull();
    expect(checkObservationSlot(chicago26, "2026-09-01", "10:01", now)).toBeNull();
  });

  it("refuses the past", () => {
    expect(checkObservationSlot(chicago26, "2026-08-31", "09:00", now)).toEqual({
      field: "date",
      message: "Monday, August 31, 2026 has already passed.",
    });
    expect(checkObservationSlot(chicago26, "2026-09-01", "09:59", now)).toEqual({
      field: "time",
      message: "9:59 AM on Tuesday, September 1, 2026 has already passed.",
    });
  });

  it("refuses dates outside the school year", () => {
    const summer = utc("2026-06-01T15:00:00Z");
    expect(checkObservationSlot(chicago26, "2026-08-17", "09:00", summer)).toEqual({
      field: "date",
      message: "That's before the school year starts on Tuesday, August 18, 2026.",
    });
    expect(checkObservationSlot(chicago26, "2027-05-21", "09:00", now)).toEqual({
      field: "date",
      message: "That's after the school year ends on Thursday, May 20, 2027.",
    });
  });

  it("refuses weekends and no-school days", () => {
    expect(checkObservationSlot(chicago26, "2026-09-05", "09:00", now)).toEqual({
      field: "date",
      message: "Saturday, September 5, 2026 is a weekend. Pick a school day.",
    });
    expect(checkObservationSlot(chicago26, "2026-12-31", "09:00", now)).toEqual({
      field: "date",
      message: "There's no school on Thursday, December 31, 2026.",
    });
  });

  it("refuses times outside work hours and says what the hours are", () => {
    const expected = {
      field: "time",
      message: "School hours are 7:30 AM to 4:00 PM. Pick a time from 7:30 AM to 3:59 PM.",
    };
    expect(checkObservationSlot(chicago26, "2026-09-02", "07:29", now)).toEqual(expected);
    expect(checkObservationSlot(chicago26, "2026-09-02", "16:00", now)).toEqual(expected);
    expect(checkObservationSlot(chicago26, "2026-09-02", "15:59", now)).toBeNull();
  });

  it("refuses a time the clocks skip", () => {
    const cairo = district(
      "Africa/Cairo",
      { firstDay: "2026-01-05", lastDay: "2026-06-30", noSchool: [] },
      "00:00",
    );
    expect(checkObservationSlot(cairo, "2026-04-24", "00:30", utc("2026-04-01T08:00:00Z"))).toEqual({
      field: "time",
      message: "12:30 AM doesn't exist on Friday, April 24, 2026: the clocks change that day.",
    });
  });

  it("refuses malformed input", () => {
    expect(checkObservationSlot(chicago26, "2026-9-2", "09:00", now)?.field).toBe("date");
    expect(checkObservationSlot(chicago26, "2026-09-02", "9am", now)?.field).toBe("time");
  });
});
