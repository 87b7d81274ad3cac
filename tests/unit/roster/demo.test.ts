import { describe, expect, it } from "vitest";
import { ROLES, STRUCTURES } from "../../../src/domain/model.js";
import { DEMO_ROSTER_PATH, loadDemoRoster } from "../../../src/roster/demo.js";
import { loadRoster } from "../../../src/roster/load.js";

describe("the bundled demo roster", () => {
  it("loads with no problems and no warnings", async () => {
    const result = await loadRoster(DEMO_ROSTER_PATH);
    expect(result.ok ? result.warnings : result.issues).toEqual([]);
  });

  it("covers every role and structure, with about twenty people", async () => {
    const roster = await loadDemoRoster();
    expect(roster.people.length).toBeGreaterThanOrEqual(18);
    expect(roster.people.length).toBeLessThanOrEqual(26);
    expect(new Set(roster.people.flatMap((p) => p.roles))).toEqual(new Set(ROLES));
    expect(new Set(roster.groups.map((g) => g.structure))).toEqual(new Set(STRUCTURES));
    expect(roster.groups.filter((g) => g.structure === "peer-to-peer").length).toBeGreaterThanOrEqual(2);
    expect(roster.people.every((p) => p.email.endsWith("example.org"))).toBe(true);
    expect(roster.people.some((p) => p.slackId) && roster.people.some((p) => p.teamsId)).toBe(true);
  });

  it("has Prairie Valley with two buildings, leadership channels and school breaks", async () => {
    const roster = await loadDemoRoster();
    const pv = roster.districts.find((d) => d.id === "prairie-valley")!;
    expect(pv).toMatchObject({
      name: "Prairie Valley R-IV",
      timezone: "America/Chicago",
      workHours: { start: "07:30", end: "16:00" },
    });
    expect(pv.calendar).toMatchObject({ firstDay: "2026-08-17", lastDay: "2027-05-21" });
    expect(pv.calendar.noSchool).toEqual(
      expect.arrayContaining([
        { from: "2026-11-25", to: "2026-11-27" },
        { from: "2026-12-21", to: "2027-01-01" },
      ]),
    );
    expect(pv.calendar.noSchool.some((r) => r.from.startsWith("2027-03") && r.to > r.from)).toBe(true);
    expect(pv.leadershipChannel).toBeDefined();
    expect(pv.buildings).toHaveLength(2);
    expect(pv.buildings.every((b) => b.leadershipChannel)).toBe(true);
    for (const b of pv.buildings) {
      expect(
        roster.people.filter((p) => p.buildingId === b.id && p.roles.includes("building-admin")),
      ).toHaveLength(1);
    }
  });

  it("has one external facilitator serving two districts", async () => {
    const roster = await loadDemoRoster();
    const facilitators = roster.people.filter((p) => p.roles.includes("facilitator"));
    expect(facilitators).toHaveLength(1);
    expect(facilitators[0]).toMatchObject({ roles: ["facilitator"] });
    expect(facilitators[0]!.districtId).toBeUndefined();
    const served = roster.districts.filter((d) => d.cst.facilitators.includes(facilitators[0]!.id));
    expect(served.map((d) => d.id)).toEqual(["prairie-valley", "cedar-bluff"]);
    expect(served[1]!.calendar.firstDay).not.toBe(served[0]!.calendar.firstDay);
  });
});
