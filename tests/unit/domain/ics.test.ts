import { describe, expect, it } from "vitest";
import { parseIcsNoSchool } from "../../../src/domain/ics.js";

const YEAR = { from: "2026-08-01", to: "2027-06-30" };
const TZ = "America/Chicago";

/** A calendar around the given VEVENT lines, with the CRLF line ends real feeds use. */
function ics(...events: string[][]): string {
  const body = events.flatMap((lines) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"]);
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//test//coachbot//EN",
    ...body,
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

describe("parseIcsNoSchool", () => {
  it("reads a single all-day event (DTEND is exclusive)", () => {
    const text = ics([
      "UID:1",
      "SUMMARY:Labor Day",
      "DTSTART;VALUE=DATE:20260907",
      "DTEND;VALUE=DATE:20260908",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-09-07", to: "2026-09-07" }]);
  });

  it("treats an all-day event without DTEND as one day", () => {
    const text = ics(["UID:1", "SUMMARY:PD day", "DTSTART;VALUE=DATE:20261009"]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-10-09", to: "2026-10-09" }]);
  });

  it("reads a multi-day event across New Year", () => {
    const text = ics([
      "UID:1",
      "SUMMARY:Winter Break",
      "DTSTART;VALUE=DATE:20261221",
      "DTEND;VALUE=DATE:20270102",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-12-21", to: "2027-01-01" }]);
  });

  it("expands a weekly rule only within the window, honouring EXDATE", () => {
    const text = ics([
      "UID:1",
      "SUMMARY:Early release",
      "DTSTART;VALUE=DATE:20260902",
      "RRULE:FREQ=WEEKLY;BYDAY=WE",
      "EXDATE;VALUE=DATE:20260916",
    ]);
    expect(parseIcsNoSchool(text, TZ, { from: "2026-09-05", to: "2026-09-30" })).toEqual([
      { from: "2026-09-09", to: "2026-09-09" },
      { from: "2026-09-23", to: "2026-09-23" },
      { from: "2026-09-30", to: "2026-09-30" },
    ]);
  });

  it("moves an occurrence overridden by RECURRENCE-ID and drops a cancelled one", () => {
    const text = ics(
      ["UID:r", "SUMMARY:Staff day", "DTSTART;VALUE=DATE:20261005", "RRULE:FREQ=MONTHLY;COUNT=3"],
      ["UID:r", "RECURRENCE-ID;VALUE=DATE:20261105", "SUMMARY:Staff day", "DTSTART;VALUE=DATE:20261106"],
      ["UID:r", "RECURRENCE-ID;VALUE=DATE:20261205", "STATUS:CANCELLED", "DTSTART;VALUE=DATE:20261205"],
    );
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([
      { from: "2026-10-05", to: "2026-10-05" },
      { from: "2026-11-06", to: "2026-11-06" },
    ]);
  });

  it("keeps an overridden occurrence whose master is not in the feed", () => {
    const text = ics([
      "UID:o",
      "RECURRENCE-ID;VALUE=DATE:20261005",
      "SUMMARY:Moved",
      "DTSTART;VALUE=DATE:20261006",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-10-06", to: "2026-10-06" }]);
  });

  it("counts DTSTART as the first occurrence when there are only RDATEs", () => {
    const text = ics([
      "UID:1",
      "SUMMARY:Conferences",
      "DTSTART;VALUE=DATE:20261015",
      "RDATE;VALUE=DATE:20261022",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([
      { from: "2026-10-15", to: "2026-10-15" },
      { from: "2026-10-22", to: "2026-10-22" },
    ]);
  });

  it("gives a timed event the local dates it touches in the district's zone", () => {
    // 04:00-06:00Z on Oct 2 is Oct 1 23:00 to Oct 2 01:00 in Chicago.
    const utcEvent = ics(["UID:1", "SUMMARY:Storm", "DTSTART:20261002T040000Z", "DTEND:20261002T060000Z"]);
    expect(parseIcsNoSchool(utcEvent, TZ, YEAR)).toEqual([{ from: "2026-10-01", to: "2026-10-02" }]);
    // The same event is on one day in New York.
    expect(parseIcsNoSchool(utcEvent, "America/New_York", YEAR)).toEqual([
      { from: "2026-10-02", to: "2026-10-02" },
    ]);
  });

  it("does not count the day a timed event ends exactly at midnight", () => {
    const text = ics([
      "UID:1",
      "SUMMARY:Evening",
      "DTSTART;TZID=America/Chicago:20261001T180000",
      "DTEND;TZID=America/Chicago:20261002T000000",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-10-01", to: "2026-10-01" }]);
  });

  it("reads floating times as the district's local time", () => {
    const text = ics(["UID:1", "SUMMARY:Late", "DTSTART:20261001T233000", "DURATION:PT1H"]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-10-01", to: "2026-10-02" }]);
  });

  it("reads an Outlook time zone name from the file's VTIMEZONE", () => {
    const vtimezone = [
      "BEGIN:VTIMEZONE",
      "TZID:Eastern Standard Time",
      "BEGIN:STANDARD",
      "DTSTART:16010101T020000",
      "TZOFFSETFROM:-0400",
      "TZOFFSETTO:-0500",
      "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
      "END:STANDARD",
      "BEGIN:DAYLIGHT",
      "DTSTART:16010101T020000",
      "TZOFFSETFROM:-0500",
      "TZOFFSETTO:-0400",
      "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
      "END:DAYLIGHT",
      "END:VTIMEZONE",
    ].join("\r\n");
    // 00:30 EDT on Oct 2 is Oct 1 23:30 CDT: the event touches Oct 1 in Chicago.
    const text = ics([
      "UID:1",
      "SUMMARY:Board meeting",
      "DTSTART;TZID=Eastern Standard Time:20261002T003000",
      "DTEND;TZID=Eastern Standard Time:20261002T010000",
    ]).replace("BEGIN:VEVENT", `${vtimezone}\r\nBEGIN:VEVENT`);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([{ from: "2026-10-01", to: "2026-10-01" }]);
  });

  it("expands a timed weekly event keeping its wall time across the fall-back change", () => {
    // 23:30 in New York is 22:30 in Chicago both before and after 2026-11-01: always the same date.
    const text = ics([
      "UID:1",
      "SUMMARY:Night shift",
      "DTSTART;TZID=America/New_York:20261029T233000",
      "DTEND;TZID=America/New_York:20261030T003000",
      "RRULE:FREQ=WEEKLY;COUNT=2",
    ]);
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([
      { from: "2026-10-29", to: "2026-10-29" },
      { from: "2026-11-05", to: "2026-11-05" },
    ]);
  });

  it("clips to the window and merges overlapping and adjacent events", () => {
    const text = ics(
      ["UID:1", "SUMMARY:Summer", "DTSTART;VALUE=DATE:20260601", "DTEND;VALUE=DATE:20260817"],
      ["UID:2", "SUMMARY:Thanksgiving", "DTSTART;VALUE=DATE:20261126", "DTEND;VALUE=DATE:20261128"],
      ["UID:3", "SUMMARY:Day before", "DTSTART;VALUE=DATE:20261125", "DTEND;VALUE=DATE:20261126"],
      ["UID:4", "SUMMARY:Next year", "DTSTART;VALUE=DATE:20270801"],
    );
    expect(parseIcsNoSchool(text, TZ, YEAR)).toEqual([
      { from: "2026-08-01", to: "2026-08-16" },
      { from: "2026-11-25", to: "2026-11-27" },
    ]);
  });

  it("returns nothing for a calendar without events", () => {
    expect(parseIcsNoSchool(ics(), TZ, YEAR)).toEqual([]);
  });

  it("refuses text that is not iCalendar", () => {
    expect(() => parseIcsNoSchool("<html><body>Not found</body></html>", TZ, YEAR)).toThrow(
      /^not an iCalendar file/,
    );
    expect(() => parseIcsNoSchool("", TZ, YEAR)).toThrow(/^not an iCalendar file/);
    expect(() =>
      parseIcsNoSchool("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101\r\n", TZ, YEAR),
    ).toThrow(/^the iCalendar file can't be read: .*did not end/);
  });

  it("names the event that has no DTSTART", () => {
    expect(() => parseIcsNoSchool(ics(["UID:1", "SUMMARY:Winter Break"]), TZ, YEAR)).toThrow(
      "event 'Winter Break' has no DTSTART",
    );
  });

  it("names the event whose date, zone or end is bad, and reports a bad rule", () => {
    expect(() => parseIcsNoSchool(ics(["UID:x1", "DTSTART:garbage"]), TZ, YEAR)).toThrow(
      /^event 'x1' can't be read: invalid date-time/,
    );
    const badRule = ics(["UID:1", "SUMMARY:Fridays", "DTSTART;VALUE=DATE:20260904", "RRULE:FREQ=SOMETIMES"]);
    // ical.js checks rules while parsing, so this one is reported for the file.
    expect(() => parseIcsNoSchool(badRule, TZ, YEAR)).toThrow(
      /^the iCalendar file can't be read: invalid frequency/,
    );
    const badZone = ics(["UID:1", "SUMMARY:Trip", "DTSTART;TZID=Narnia:20261001T090000"]);
    expect(() => parseIcsNoSchool(badZone, TZ, YEAR)).toThrow("event 'Trip' uses time zone 'Narnia'");
    const backwards = ics(["UID:1", "SUMMARY:Odd", "DTSTART:20261001T090000Z", "DTEND:20261001T080000Z"]);
    expect(() => parseIcsNoSchool(backwards, TZ, YEAR)).toThrow("event 'Odd' ends before it starts");
  });

  it("refuses a rule that would expand without bound before the window", () => {
    const text = ics(["UID:1", "SUMMARY:Tick", "DTSTART:20200101T000000Z", "RRULE:FREQ=MINUTELY"]);
    expect(() => parseIcsNoSchool(text, TZ, YEAR)).toThrow(/^event 'Tick' repeats more than/);
  });

  it("refuses a bad zone or window", () => {
    expect(() => parseIcsNoSchool(ics(), "Central", YEAR)).toThrow(/not an IANA time zone/);
    expect(() => parseIcsNoSchool(ics(), TZ, { from: "2027-01-01", to: "2026-01-01" })).toThrow(
      /ends before/,
    );
  });
});
