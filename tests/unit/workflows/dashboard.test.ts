import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardCommand, defaultScope, resolveView } from "../../../src/workflows/dashboard.js";
import { aggregateCsv, aggregateData, FilterError, selfData } from "../../../src/workflows/dashboard-data.js";
import { P, privateTexts, SPECS } from "./digest-seed.js";
import { type Harness, seededDemo } from "./fixtures.js";

const DENISE = "denise.whitfield@rpdc.example.org"; // facilitator of both districts
const SUSAN = "susan.harlan@prairievalley.example.org"; // Prairie Valley district admin
const MARCUS = "marcus.bell@prairievalley.example.org"; // Prairie Valley Elementary principal
const GARY = "gary.lindqvist@cedarbluff.example.org"; // Cedar Bluff district admin and principal
const NOW = new Date("2026-10-20T15:00:00Z");

let h: Harness;

beforeAll(async () => {
  h = await seededDemo();
});
afterAll(() => h.dispose());

const aggregate = (personId: string, scope: string) => {
  const view = resolveView(h.roster, personId, scope);
  if (view?.kind !== "aggregate") throw new Error(`${personId} has no aggregate view of ${scope}`);
  return view;
};

describe("who sees what", () => {
  it("gives each role its broadest view by default", () => {
    expect([DENISE, SUSAN, MARCUS, GARY, P.emily].map((p) => defaultScope(h.roster, p))).toEqual([
      "facilitator",
      "district:prairie-valley",
      "building:pv-elementary",
      "district:cedar-bluff",
      "self",
    ]);
  });

  it("allows only the views a person's role covers", () => {
    const allowed = (person: string, scope: string) => resolveView(h.roster, person, scope) !== null;
    expect(allowed(SUSAN, "district:prairie-valley")).toBe(true);
    expect(allowed(SUSAN, "building:pv-middle")).toBe(true);
    expect(allowed(SUSAN, "district:cedar-bluff")).toBe(false);
    expect(allowed(SUSAN, "facilitator")).toBe(false);
    expect(allowed(MARCUS, "building:pv-elementary")).toBe(true);
    expect(allowed(MARCUS, "building:pv-middle")).toBe(false);
    expect(allowed(MARCUS, "district:prairie-valley")).toBe(false);
    expect(allowed(DENISE, "district:cedar-bluff")).toBe(true);
    expect(allowed(DENISE, "building:cb-school")).toBe(true);
    expect(allowed(P.emily, "district:prairie-valley")).toBe(false);
    expect(allowed(P.emily, "building:pv-elementary")).toBe(false);
    expect(allowed(P.emily, "self")).toBe(true);
    expect(allowed("stranger@example.org", "self")).toBe(false);
    expect(allowed(SUSAN, "district:nowhere")).toBe(false);
  });

  it("sends a signed link that expires in an hour", async () => {
    const reply = await dashboardCommand(h.deps, SUSAN, NOW);
    const link = reply.reply.messages[0]!.blocks.find((b) => b.kind === "link");
    const url = new URL(link?.kind === "link" ? link.url : "");
    expect(url.pathname).toBe("/dashboard");
    expect(url.searchParams.get("scope")).toBe("district:prairie-valley");
    expect(Number(url.searchParams.get("exp")) * 1000).toBe(NOW.getTime() + 3_600_000);
    const query = Object.fromEntries(url.searchParams);
    expect(h.deps.links.verify("/dashboard", query, NOW.getTime()).ok).toBe(true);
    expect(h.deps.links.verify("/dashboard", { ...query, scope: "facilitator" }, NOW.getTime()).ok).toBe(
      false,
    );
  });
});

describe("dashboard data", () => {
  it("gives the facilitator both districts and both ledger rows", async () => {
    const data = await aggregateData(h.deps, aggregate(DENISE, "facilitator"), {}, NOW);
    expect(data.districts.map((d) => d.id)).toEqual(["prairie-valley", "cedar-bluff"]);
    expect(data.ledger.map((r) => [r.district, r.statusLabel])).toEqual([
      ["Prairie Valley R-IV", "on track"],
      ["Cedar Bluff R-I", "overdue for a week or more"],
    ]);
    const cedar = await aggregateData(
      h.deps,
      aggregate(DENISE, "facilitator"),
      { district: "cedar-bluff" },
      NOW,
    );
    expect(cedar.selected.district).toBe("cedar-bluff");
    expect(cedar.series.find((s) => s.key === "completed")!.values).toEqual([0, 0, 0]);
  });

  it("keeps a principal on their own building and refuses filters outside the view", async () => {
    const view = aggregate(MARCUS, "building:pv-elementary");
    const data = await aggregateData(h.deps, view, {}, NOW);
    expect(data.selected.building).toBe("pv-elementary");
    expect(data.districts[0]!.buildings.map((b) => b.id)).toEqual(["pv-elementary"]);
    expect(data.ledger).toEqual([]);
    await expect(aggregateData(h.deps, view, { building: "pv-middle" }, NOW)).rejects.toBeInstanceOf(
      FilterError,
    );
    await expect(aggregateData(h.deps, view, { district: "cedar-bluff" }, NOW)).rejects.toBeInstanceOf(
      FilterError,
    );
    await expect(aggregateData(h.deps, view, { practice: "Juggling" }, NOW)).rejects.toBeInstanceOf(
      FilterError,
    );
    const csv = await aggregateCsv(h.deps, view, {}, NOW);
    expect(
      csv
        .split("\r\n")
        .slice(1, -1)
        .every((l) => l.includes('"Prairie Valley Elementary"')),
    ).toBe(true);
  });

  it("holds no name and no text in the district's JSON", async () => {
    const json = JSON.stringify(
      await aggregateData(h.deps, aggregate(SUSAN, "district:prairie-valley"), {}, NOW),
    );
    for (const p of h.roster.roster.people) {
      expect(json).not.toContain(p.name);
      expect(json).not.toContain(p.id);
    }
    for (const text of SPECS.flatMap((s) => Object.values(privateTexts(s.id))))
      expect(json).not.toContain(text);
  });

  it("gives a teacher their own cycles only: dates and states, no partner", async () => {
    const data = await selfData(h.deps, P.emily, NOW);
    expect(data.cycles.map((c) => [c.role, c.state, c.prompted])).toEqual([
      ["observer", "reflected", "2026-09-14"],
      ["observed", "unscheduled", "2026-10-02"],
      ["observer", "observed", "2026-10-05"],
      ["observed", "declined", "2026-10-05"],
    ]);
    const json = JSON.stringify(data);
    for (const p of h.roster.roster.people) expect(json).not.toContain(p.name);
    expect(json).not.toContain("@");
  });
});
