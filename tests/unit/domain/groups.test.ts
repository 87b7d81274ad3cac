import { describe, expect, it } from "vitest";
import { pairFor, parseObserveEvery } from "../../../src/domain/groups.js";
import type { CoachingGroup, Structure } from "../../../src/domain/model.js";
import { isCoachbotError } from "../../../src/errors.js";

function group(structure: Structure, sides: [string[], string[]]): CoachingGroup {
  return { id: "g1", structure, districtId: "d1", sides, focus: "Feedback", observeEveryDays: 21 };
}

const pairs = (g: CoachingGroup, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const p = pairFor(g, i + 1);
    return `${p.observerId}>${p.observedId}`;
  });

describe("pairFor", () => {
  it("peer-to-peer alternates who observes", () => {
    expect(pairs(group("peer-to-peer", [["ann"], ["bo"]]), 4)).toEqual([
      "ann>bo",
      "bo>ann",
      "ann>bo",
      "bo>ann",
    ]);
  });

  it("peer-to-team: the peer observes each team member in turn", () => {
    const g = group("peer-to-team", [["pat"], ["t1", "t2", "t3"]]);
    expect(pairs(g, 4)).toEqual(["pat>t1", "pat>t2", "pat>t3", "pat>t1"]);
  });

  it("team-to-team alternates direction and rotates through both sides", () => {
    const g = group("team-to-team", [
      ["a1", "a2"],
      ["b1", "b2", "b3"],
    ]);
    expect(pairs(g, 6)).toEqual(["a1>b1", "b1>a1", "a2>b2", "b2>a2", "a1>b3", "b3>a1"]);
  });

  it("team-to-team: everyone observes and is observed within a few rounds", () => {
    const g = group("team-to-team", [
      ["a1", "a2", "a3"],
      ["b1", "b2"],
    ]);
    const seen = Array.from({ length: 12 }, (_, i) => pairFor(g, i + 1));
    const everyone = ["a1", "a2", "a3", "b1", "b2"];
    expect(new Set(seen.map((p) => p.observerId))).toEqual(new Set(everyone));
    expect(new Set(seen.map((p) => p.observedId))).toEqual(new Set(everyone));
  });

  it("refuses a cycle number that is not a whole number >= 1", () => {
    const g = group("peer-to-peer", [["ann"], ["bo"]]);
    expect(() => pairFor(g, 0)).toThrow(RangeError);
    expect(() => pairFor(g, 1.5)).toThrow(RangeError);
  });

  it("reports a group with an empty side as a roster problem", () => {
    let error: unknown;
    try {
      pairFor(group("peer-to-team", [["pat"], []]), 1);
    } catch (e) {
      error = e;
    }
    expect(isCoachbotError(error, "ROSTER_INVALID")).toBe(true);
    expect((error as Error).message).toBe("group g1: side 2 has nobody in it");
  });
});

describe("parseObserveEvery", () => {
  it.each([
    ["3 weeks", 21],
    ["10 days", 10],
    ["1 week", 7],
    ["1 day", 1],
    ["  2 Weeks ", 14],
    ["14days", 14],
  ])("%j -> %i", (text, days) => {
    expect(parseObserveEvery(text)).toBe(days);
  });

  it.each(["", "3", "weeks", "0 days", "-2 weeks", "1.5 weeks", "2 months", "3 weeks please", "three weeks"])(
    "%j -> null",
    (text) => {
      expect(parseObserveEvery(text)).toBeNull();
    },
  );
});
