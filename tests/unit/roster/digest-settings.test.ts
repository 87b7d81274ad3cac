import { describe, expect, it } from "vitest";
import { digestPlans } from "../../../src/workflows/digest/schedule.js";
import { issuesOf, lineOf, parse, variant } from "./helpers.js";

// Digest schedules are configurable per channel in the roster: a district's default for its
// own channel and its buildings', and one building's own override.

describe("digest settings in the roster", () => {
  it("defaults to a monthly district digest and weekly building digests", async () => {
    const result = await parse(variant());
    if (!result.ok) throw new Error("the fixture should load");
    const plans = digestPlans(result.roster.districts[0]!);
    expect(plans.map((p) => [p.scope, p.cadence])).toEqual([
      ["district:hillcrest", "monthly"],
      ["building:hillcrest-ms", "weekly"],
    ]);
  });

  it("takes the district's settings and a building's own override", async () => {
    const text = variant(
      [
        "    leadershipChannel: { slack: C0DLT0001",
        "    digests: { district: weekly, buildings: off }\n    leadershipChannel: { slack: C0DLT0001",
      ],
      [
        "        leadershipChannel: { slack: C0BLT0001 }",
        "        leadershipChannel: { slack: C0BLT0001 }\n        digest: monthly",
      ],
    );
    const result = await parse(text);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(digestPlans(result.roster.districts[0]!).map((p) => [p.scope, p.cadence])).toEqual([
      ["district:hillcrest", "weekly"],
      ["building:hillcrest-ms", "monthly"],
    ]);
  });

  it("refuses a cadence it does not know, with its line", async () => {
    const text = variant([
      "        leadershipChannel: { slack: C0BLT0001 }",
      "        leadershipChannel: { slack: C0BLT0001 }\n        digest: daily",
    ]);
    const issues = await issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      line: lineOf(text, "digest: daily"),
      field: "districts[0].buildings[0].digest",
    });
  });
});
