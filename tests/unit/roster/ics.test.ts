import { describe, expect, it } from "vitest";
import { expectOnly, parse, variant } from "./helpers.js";

const WITH_ICS = variant([
  "      noSchool: [2026-11-25,",
  "      ics: ./calendars/hillcrest.ics\n      noSchool: [2026-11-25,",
]);
const ICS_PATH = "calendars/hillcrest.ics";

const event = (summary: string, start: string, endExclusive: string) => [
  "BEGIN:VEVENT",
  `UID:${summary}@hillcrest`,
  "DTSTAMP:20260101T000000Z",
  `SUMMARY:${summary}`,
  `DTSTART;VALUE=DATE:${start}`,
  `DTEND;VALUE=DATE:${endExclusive}`,
  "END:VEVENT",
];
const ics = (...events: string[][]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Hillcrest//Calendar//EN",
    ...events.flat(),
    "END:VCALENDAR",
    "",
  ].join("\r\n");

describe("no-school days from a district's ICS feed", () => {
  it("merges the feed's days into calendar.noSchool, within the school year", async () => {
    const feed = ics(
      event("Labor Day", "20260907", "20260908"),
      event("Thanksgiving", "20261126", "20261128"), // joins the listed 2026-11-25
      event("Summer", "20270601", "20270701"), // after lastDay
      event("Teacher workday", "20260814", "20260818"), // straddles firstDay
    );
    const result = await parse(WITH_ICS, { [ICS_PATH]: feed });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.roster.districts[0]!.calendar.noSchool).toEqual([
      { from: "2026-08-17", to: "2026-08-17" },
      { from: "2026-09-07", to: "2026-09-07" },
      { from: "2026-11-25", to: "2026-11-27" },
      { from: "2026-12-21", to: "2027-01-01" },
    ]);
    expect(result.roster.districts[1]!.calendar.noSchool).toEqual([]);
  });

  it("reports a missing ICS file at the ics line", async () => {
    const issue = await expectOnly(
      WITH_ICS,
      "districts[0].calendar.ics",
      /cannot read the calendar file calendars\/hillcrest.ics: there is no such file/,
    );
    expect(issue.line).toBe(WITH_ICS.split("\n").findIndex((l) => l.includes("ics:")) + 1);
    expect(issue.fix).toMatch(/relative to the folder of the roster file/);
  });

  it("reports an ICS file it cannot parse, with the parser's reason", async () => {
    await expectOnly(WITH_ICS, "districts[0].calendar.ics", /cannot be used: not an iCalendar file/, {
      [ICS_PATH]: "hello",
    });
  });
});
