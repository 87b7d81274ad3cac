import { describe, expect, it } from "vitest";
import type { Cycle, District, FeedbackFacts } from "../../../src/domain/model.js";
import { CSV_HEADER, csvLine, csvRows } from "../../../src/workflows/digest/csv.js";
import type { Records } from "../../../src/workflows/digest/records.js";
import { renderDigest } from "../../../src/workflows/digest/render.js";
import { buildReport, publishBuildings, publishSelection } from "../../../src/workflows/digest/report.js";
import { monthPeriod } from "../../../src/workflows/periods.js";

// A hand-built district: North has 4 people in its cycles, South 8, East 6. The district total is
// always published, so hiding North alone would let anyone subtract it back out.
const district: District = {
  id: "hillcrest",
  name: "Hillcrest",
  timezone: "America/Chicago",
  workHours: { start: "08:00", end: "16:00" },
  calendar: { firstDay: "2026-08-17", lastDay: "2027-05-21", noSchool: [] },
  cst: { facilitators: [], contactEveryDays: 30 },
  buildings: [
    { id: "north", name: "North Elementary", districtId: "hillcrest" },
    { id: "south", name: "South Middle", districtId: "hillcrest" },
    { id: "east", name: "East High", districtId: "hillcrest" },
  ],
};
const OCT = { from: "2026-10-01T05:00:00.000Z", to: "2026-11-01T05:00:00.000Z" };

let n = 0;
function pair(
  building: string,
  observer: string,
  observed: string,
  done: boolean,
  focus = "Feedback",
): Cycle {
  n++;
  return {
    id: `c${n}`,
    groupId: `g${n}`,
    districtId: "hillcrest",
    buildingId: building,
    seq: 1,
    observerId: `${observer}@h.org`,
    observedId: `${observed}@h.org`,
    focus,
    state: done ? "observed" : "missed",
    promptedAt: "2026-10-01T14:00:00Z",
    scheduledAt: "2026-10-10T15:00:00Z",
    ...(done ? { observedAt: "2026-10-10T15:00:00Z" } : { closedAt: "2026-10-11T15:00:00Z" }),
    reschedules: 0,
    nudges: 0,
    updatedAt: "2026-10-11T15:00:00Z",
    version: 1,
  };
}

const records: Records = {
  cycles: [
    // North: 4 people (2 pairs), one of two cycles completed.
    pair("north", "n1", "n2", true),
    pair("north", "n3", "n4", false),
    // South: 8 people, three of four completed.
    pair("south", "s1", "s2", true),
    pair("south", "s3", "s4", true),
    pair("south", "s5", "s6", true, "Metacognition"),
    pair("south", "s7", "s8", false, "Metacognition"),
    // East: 6 people, two of three completed.
    pair("east", "e1", "e2", true),
    pair("east", "e3", "e4", true),
    pair("east", "e5", "e6", false),
  ],
  feedback: [],
  contacts: [],
};

describe("privacy in the aggregates", () => {
  it("a building with 4 participants shows no rate, nor the counts it is made of", () => {
    const north = publishBuildings(district, records, OCT, 5).buildings.find((b) => b.id === "north")!;
    expect(north.published.values.completionRate).toBeNull();
    expect(north.published.hidden).toEqual(
      expect.arrayContaining(["completionRate", "unscheduled", "declined", "missed", "cancelled"]),
    );
    // Activity counts are not about a rate or an average: they stay.
    expect(north.published.values.completed).toBe(1);

    const report = buildReport(
      { kind: "building", district, building: district.buildings[0]! },
      monthPeriod("2026-10"),
      records,
      5,
      "2026-11-02",
    );
    const facts = renderDigest(report, "building:north").blocks.flatMap((b) =>
      b.kind === "facts" ? b.facts : [],
    );
    expect(facts.find((f) => f.label === "Completion rate")?.value).toBe("fewer than 5");
  });

  it("hides a complementary building so the hidden one can't be recovered from the district total", () => {
    const all = publishBuildings(district, records, OCT, 5);
    expect(all.district.values.completionRate).toBeCloseTo(6 / 9);
    const rate = Object.fromEntries(all.buildings.map((b) => [b.id, b.published.values.completionRate]));
    // East (6 people) is the smallest other building: it is hidden with North; South stays.
    expect(rate).toEqual({ north: null, south: 0.75, east: null });
    expect(all.buildings.find((b) => b.id === "east")!.published.hidden).toContain("completionRate");

    const digest = renderDigest(
      buildReport({ kind: "district", district }, monthPeriod("2026-10"), records, 5, "2026-11-02"),
      "district:hillcrest",
    );
    const bars = digest.blocks.find((b) => b.kind === "bars" && b.title === "Completion rate by building");
    expect(bars).toMatchObject({
      rows: [
        { label: "North Elementary", value: null, display: "fewer than 5" },
        { label: "South Middle", value: 75, display: "75% (n/a)" },
        { label: "East High", value: null, display: "fewer than 5" },
      ],
    });
  });

  it("with a smaller threshold, nothing is hidden", () => {
    const all = publishBuildings(district, records, OCT, 4);
    expect(all.buildings.map((b) => b.published.values.completionRate)).toEqual([0.5, 0.75, 2 / 3]);
  });

  it("a practice inside a building stays hidden when the building is, and practices complement each other", () => {
    const south = { buildingId: "south" };
    // South's Metacognition and Feedback cycles are about 4 people each: both hidden.
    const meta = publishSelection(district, records, OCT, 5, { ...south, practice: "Metacognition" });
    const feedback = publishSelection(district, records, OCT, 5, { ...south, practice: "Feedback" });
    expect(meta.values.completionRate).toBeNull();
    expect(feedback.values.completionRate).toBeNull();
    const north = publishSelection(district, records, OCT, 2, { buildingId: "north", practice: "Feedback" });
    expect(north.values.completionRate).toBe(0.5);
    const northHidden = publishSelection(district, records, OCT, 5, {
      buildingId: "north",
      practice: "Feedback",
    });
    expect(northHidden.hidden).toContain("completionRate");
  });

  it("one teacher's rating is never shown on its own", () => {
    const rated: FeedbackFacts = {
      cycleId: "c1",
      districtId: "hillcrest",
      buildingId: "north",
      coachId: "n1@h.org",
      teacherId: "n2@h.org",
      focus: "Feedback",
      evidence: ["observation"],
      nextStep: "none",
      observedAt: "2026-10-10T15:00:00Z",
      givenAt: "2026-10-11T15:00:00Z",
      usefulness: 2,
    };
    const all = publishBuildings(district, { ...records, feedback: [rated] }, OCT, 5);
    expect(all.district.values.usefulness).toBeNull();
    expect(all.district.hidden).toContain("usefulness");
  });

  it("exports the same hidden cells as CSV", () => {
    const lines = csvRows(district, records, [monthPeriod("2026-10")], 5);
    const header = CSV_HEADER.split(",");
    const col = header.indexOf('"completionRate_pct"');
    const cells = lines.map((l) => l.split(","));
    expect(cells.map((c) => [c[1], c[col]])).toEqual([
      ['"Hillcrest"', "66.7"],
      ['"North Elementary"', '"fewer than 5"'],
      ['"South Middle"', "75"],
      ['"East High"', '"fewer than 5"'],
    ]);
  });

  it("quotes every text cell and keeps a spreadsheet from reading it as a formula", () => {
    expect(csvLine(["2026-10", 'Smith "Old", Campus', "=HYPERLINK()", 3, null])).toBe(
      '"2026-10","Smith ""Old"", Campus","\'=HYPERLINK()",3,',
    );
  });
});
