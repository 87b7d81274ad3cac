import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestCommand } from "../../../src/cli/digest.js";
import { exportCommand } from "../../../src/cli/export.js";
import { isCoachbotError } from "../../../src/errors.js";
import { type Harness, seededDemo } from "../workflows/fixtures.js";

let h: Harness;
let delivered = 0;
const deps = () => ({
  workflows: h.deps,
  now: async () => new Date("2026-11-02T15:00:00Z"),
  deliver: async () => {
    delivered++;
    const [entry] = await h.store.claimOutbox(Date.parse("2026-11-02T15:00:00Z"), 10, 60_000);
    if (entry) await h.store.markSent(entry, "ts-1", Date.parse("2026-11-02T15:00:01Z"));
  },
});

async function run(command: (out: (line: string) => void) => Promise<number>) {
  const lines: string[] = [];
  const code = await command((line) => lines.push(line));
  return { code, text: lines.join("\n"), lines };
}

beforeAll(async () => {
  h = await seededDemo();
});
afterAll(() => h.dispose());

describe("coachbot digest", () => {
  it("previews the last complete month by default, writing nothing", async () => {
    const { code, text } = await run((out) =>
      digestCommand({ scope: "district:prairie-valley" }, deps(), out),
    );
    expect(code).toBe(0);
    expect(text).toMatch(/^Coaching digest: Prairie Valley R-IV, October 2026\./);
    expect(await h.outbox("digest:")).toEqual([]);
  });

  it("posts once to the leadership channel with --post, and not again", async () => {
    const args = { scope: "building:pv-middle", period: "2026-10", post: true };
    const first = await run((out) => digestCommand(args, deps(), out));
    expect(first.code).toBe(0);
    expect(first.lines.at(-1)).toBe("\nPosted to building:pv-middle's leadership channel.");
    const entry = await h.store.getOutbox("prairie-valley", "digest:building:pv-middle:2026-10");
    expect(entry).toMatchObject({ state: "sent", to: { channel: { slack: "C0PVMBLT1" } } });
    const again = await run((out) => digestCommand(args, deps(), out));
    expect(again.lines.at(-1)).toMatch(/Already posted/);
    expect(delivered).toBe(1);
  });

  it("refuses bad options as usage errors, with the fix", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /--scope is required/],
      [{ scope: "school:x" }, /--scope must be district:ID or building:ID/],
      [{ scope: "district:prairie-valley", period: "2026-13" }, /--period must be a month/],
      [{ scope: "district:nowhere" }, /the roster has no district nowhere/],
    ];
    for (const [options, message] of cases) {
      const error = await digestCommand(options, deps(), () => {}).catch((e: unknown) => e);
      expect(isCoachbotError(error, "CLI_USAGE"), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("coachbot export", () => {
  it("prints the aggregates as CSV, a row per month for the district and each building", async () => {
    const { code, lines } = await run((out) => exportCommand({ district: "prairie-valley" }, deps(), out));
    expect(code).toBe(0);
    expect(lines[0]).toBe(
      '"period","scope","educatorsCoached","coaches","prompted","scheduled","completed","unscheduled","declined","missed","cancelled","completionRate_pct","feedbackGiven","feedbackHours","usefulness","cst_contacts"',
    );
    // August to November, three rows each.
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(
      ["2026-08", "2026-09", "2026-10", "2026-11"].flatMap((m) => [
        `"${m}","Prairie Valley R-IV"`,
        `"${m}","Prairie Valley Elementary"`,
        `"${m}","Prairie Valley Middle School"`,
      ]),
    );
    expect(lines).toContain('"2026-10","Prairie Valley R-IV",7,5,13,11,8,1,1,1,1,66.7,7,24,4.2,1');
    expect(lines).toContain(
      '"2026-10","Prairie Valley Elementary",4,2,6,5,5,1,1,0,0,71.4,4,36,"fewer than 5",',
    );
  });
});
