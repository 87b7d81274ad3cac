import { describe, expect, it } from "vitest";
import { hoursBetween, median } from "../../../src/domain/stats.js";

describe("median", () => {
  it("is null for no values", () => {
    expect(median([])).toBeNull();
  });

  it("takes the middle of an odd count, whatever the order", () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([7])).toBe(7);
  });

  it("averages the two middle values of an even count (numeric, not string, order)", () => {
    expect(median([10, 2, 4, 30])).toBe(7);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("hoursBetween", () => {
  it("is signed and fractional", () => {
    expect(hoursBetween("2026-03-09T12:30:00Z", "2026-03-10T14:00:00Z")).toBe(25.5);
    expect(hoursBetween("2026-03-10T14:00:00Z", "2026-03-09T12:30:00Z")).toBe(-25.5);
  });

  it("honours offsets", () => {
    expect(hoursBetween("2026-03-09T07:30:00-05:00", "2026-03-09T12:30:00Z")).toBe(0);
  });

  it("refuses text that is not an instant with an offset", () => {
    expect(() => hoursBetween("yesterday", "2026-03-09T12:30:00Z")).toThrow(RangeError);
    expect(() => hoursBetween("2026-03-09T12:30:00", "2026-03-09T12:30:00Z")).toThrow(/with an offset/);
  });
});
