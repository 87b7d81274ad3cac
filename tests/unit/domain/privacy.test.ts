import { describe, expect, it } from "vitest";
import {
  averageOrSuppressed,
  formatSuppressed,
  PRIVACY_MIN_GROUP_DEFAULT,
  rateOrSuppressed,
  suppressCells,
} from "../../../src/domain/privacy.js";

const MIN = PRIVACY_MIN_GROUP_DEFAULT;

describe("suppressCells", () => {
  it("hides nothing when every cell has at least the minimum", () => {
    const cells = [
      { label: "North", people: 5, value: 10 },
      { label: "South", people: 9, value: 4 },
    ];
    expect(suppressCells(cells, MIN)).toEqual([
      { label: "North", people: 5, value: 10, suppressed: null },
      { label: "South", people: 9, value: 4, suppressed: null },
    ]);
  });

  it("hides both buildings when one is small and the district total is published", () => {
    const cells = [
      { label: "High", people: 12, value: 30 },
      { label: "Elementary", people: 3, value: 7 },
    ];
    expect(suppressCells(cells, MIN, { total: true })).toEqual([
      { label: "High", people: 12, value: null, suppressed: "complementary" },
      { label: "Elementary", people: 3, value: null, suppressed: "small-group" },
    ]);
  });

  it("assumes the total can be derived unless told otherwise", () => {
    const cells = [
      { label: "High", people: 12, value: 30 },
      { label: "Elementary", people: 3, value: 7 },
    ];
    expect(suppressCells(cells, MIN).map((c) => c.value)).toEqual([null, null]);
  });

  it("hides only the small cell when no total is shown", () => {
    const cells = [
      { label: "High", people: 12, value: 30 },
      { label: "Elementary", people: 3, value: 7 },
    ];
    expect(suppressCells(cells, MIN, { total: false }).map((c) => c.value)).toEqual([30, null]);
  });

  it("complements with the next smallest cell, not a larger one", () => {
    const cells = [
      { label: "A", people: 40, value: 1 },
      { label: "B", people: 2, value: 2 },
      { label: "C", people: 6, value: 3 },
      { label: "D", people: 20, value: 4 },
    ];
    expect(suppressCells(cells, MIN).map((c) => [c.value, c.suppressed])).toEqual([
      [1, null],
      [null, "small-group"],
      [null, "complementary"],
      [4, null],
    ]);
  });

  it("skips cells that have no value when choosing the complement", () => {
    const cells = [
      { label: "A", people: 6, value: null },
      { label: "B", people: 2, value: 2 },
      { label: "C", people: 8, value: 3 },
    ];
    expect(suppressCells(cells, MIN).map((c) => c.suppressed)).toEqual([
      null,
      "small-group",
      "complementary",
    ]);
  });

  it("adds nothing when two or more cells are already hidden", () => {
    const cells = [
      { label: "A", people: 2, value: 1 },
      { label: "B", people: 4, value: 2 },
      { label: "C", people: 30, value: 3 },
    ];
    expect(suppressCells(cells, MIN).map((c) => c.value)).toEqual([null, null, 3]);
  });

  it("keeps the caller's extra fields and does not change the input", () => {
    const cells = [
      { label: "A", people: 2, value: 1, buildingId: "b1" },
      { label: "B", people: 7, value: 2, buildingId: "b2" },
    ];
    const out = suppressCells(cells, MIN);
    expect(out[0]?.buildingId).toBe("b1");
    expect(cells.map((c) => c.value)).toEqual([1, 2]);
  });

  it("refuses a minimum that would switch suppression off", () => {
    expect(() => suppressCells([], 0)).toThrow(RangeError);
  });
});

describe("rateOrSuppressed", () => {
  it("shows no rate for a building with 4 participants", () => {
    expect(rateOrSuppressed(3, 4, 4, MIN)).toBeNull();
  });

  it("shows the rate at the minimum", () => {
    expect(rateOrSuppressed(3, 5, 5, MIN)).toBe(0.6);
  });

  it("is null without a denominator", () => {
    expect(rateOrSuppressed(0, 0, 10, MIN)).toBeNull();
  });
});

describe("averageOrSuppressed", () => {
  it("averages when enough people", () => {
    expect(averageOrSuppressed([4, 5, 3, 4, 5], 5, MIN)).toBe(4.2);
  });

  it("is null for too few people or no values", () => {
    expect(averageOrSuppressed([4, 5, 3, 4], 4, MIN)).toBeNull();
    expect(averageOrSuppressed([], 8, MIN)).toBeNull();
  });
});

describe("formatSuppressed", () => {
  it("says how small", () => {
    expect(formatSuppressed(5)).toBe("fewer than 5");
    expect(formatSuppressed(10)).toBe("fewer than 10");
  });
});
