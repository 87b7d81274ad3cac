import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "../../../src/domain/calendar.js";
import type { District } from "../../../src/domain/model.js";
import { digestPlans, seedDigestSchedules } from "../../../src/workflows/digest/schedule.js";
import { type Harness, seededDemo } from "./fixtures.js";

let h: Harness;

beforeAll(async () => {
  h = await seededDemo();
  expect(await seedDigestSchedules(h.deps, h.roster, new Date("2026-09-28T05:00:00Z"))).toBe(5);
  await h.runHourly("2026-09-28T05:00:00Z", "2026-11-04T05:00:00Z");
}, 60_000);
afterAll(() => h.dispose());

const pv = () => h.roster.roster.districts.find((d) => d.id === "prairie-valley")!;
const chicago = (ms: number) =>
  new Date(ms).toLocaleString("en-US", {
    timeZone: "America/Chicago",
    weekday: "short",
    hour: "numeric",
    minute: "2-digit",
  });

describe("scheduled digests", () => {
  it("posts each building's week on Monday morning and skips a building's quiet fortnight", async () => {
    const weekly = await h.outbox("digest:building:");
    expect(weekly.map((e) => e.key)).toEqual([
      "digest:building:pv-elementary:2026-09-21",
      "digest:building:pv-elementary:2026-09-28",
      "digest:building:pv-elementary:2026-10-05",
      "digest:building:pv-elementary:2026-10-12",
      "digest:building:pv-elementary:2026-10-19",
      // The weeks of Oct 19 and Oct 26 had no elementary coaching at all: no digest for Oct 26.
      "digest:building:pv-middle:2026-09-21",
      "digest:building:pv-middle:2026-09-28",
      "digest:building:pv-middle:2026-10-05",
      "digest:building:pv-middle:2026-10-12",
      "digest:building:pv-middle:2026-10-19",
      "digest:building:pv-middle:2026-10-26",
    ]);
    // Due at 7:30, the start of Prairie Valley's working day: sent by the first hourly tick after it.
    for (const e of weekly) expect(chicago(e.notBeforeMs)).toBe("Mon 8:00 AM");
    expect(weekly[0]!.to).toEqual({
      channel: { slack: "C0PVEBLT1", teams: "19:pv-elementary-blt@thread.tacv2" },
    });
  });

  it("posts the district's month on the first school day of the next month", async () => {
    const monthly = await h.outbox("digest:district:");
    expect(
      monthly.map((e) => [e.key, localDate(pv(), new Date(e.notBeforeMs)), chicago(e.notBeforeMs)]),
    ).toEqual([
      ["digest:district:prairie-valley:2026-09", "2026-10-01", "Thu 8:00 AM"],
      // November 1 is a Sunday.
      ["digest:district:prairie-valley:2026-10", "2026-11-02", "Mon 8:00 AM"],
    ]);
    // Cedar Bluff had no coaching in the seed: nothing to post.
    expect(monthly.every((e) => e.districtId === "prairie-valley")).toBe(true);
  });
});

describe("digest settings", () => {
  it("defaults to weekly building and monthly district digests where a channel is set", () => {
    expect(digestPlans(pv()).map((p) => [p.scope, p.cadence])).toEqual([
      ["district:prairie-valley", "monthly"],
      ["building:pv-elementary", "weekly"],
      ["building:pv-middle", "weekly"],
    ]);
  });

  it("follows a district's `digests` and a building's `digest` setting", () => {
    const configured = {
      ...pv(),
      digests: { district: "weekly", buildings: "off" },
      buildings: pv().buildings.map((b) => (b.id === "pv-middle" ? { ...b, digest: "monthly" } : b)),
    } as District;
    expect(digestPlans(configured).map((p) => [p.scope, p.cadence])).toEqual([
      ["district:prairie-valley", "weekly"],
      ["building:pv-middle", "monthly"],
    ]);
    const noChannel = { ...pv(), leadershipChannel: undefined } as District;
    expect(digestPlans(noChannel).map((p) => p.scope)).not.toContain("district:prairie-valley");
  });
});
