import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rosterCheck, rosterImport } from "../../../src/cli/roster.js";
import type { Store } from "../../../src/store/port.js";
import { openSqliteStore } from "../../../src/store/sqlite.js";
import { fixture } from "./helpers.js";

const THREE_ERRORS = fixture("three-errors.yaml");

async function run(command: (out: (line: string) => void) => Promise<number>) {
  const lines: string[] = [];
  const code = await command((line) => lines.push(line));
  return { code, lines };
}

describe("coachbot roster check", () => {
  it("prints all three planted problems with their lines, a summary, and exits 1", async () => {
    const { code, lines } = await run((out) => rosterCheck(THREE_ERRORS, out));
    expect(code).toBe(1);
    expect(lines).toEqual([
      `${THREE_ERRORS}:8: districts[0].calendar.lastDay: the last day of school (2025-05-21) is before the first day (2026-08-17) (fix: Check the years: lastDay is the end of the school year that starts on firstDay)`,
      `${THREE_ERRORS}:21: people[1].district: there is no district "hilcrest" in districts (fix: Use one of: hillcrest)`,
      `${THREE_ERRORS}:23: people[2].email: the e-mail address "ana@hillcrest.example.org" is used twice (first on line 14) (fix: Remove one of the two entries (upper/lower case does not matter))`,
      "3 problems in three-errors.yaml",
    ]);
  });

  it("says the file is valid, with counts, and exits 0", async () => {
    const { code, lines } = await run((out) => rosterCheck(fixture("valid.yaml"), out));
    expect(code).toBe(0);
    expect(lines).toEqual(["valid.yaml is valid: 2 districts, 3 buildings, 10 people, 3 coaching groups"]);
  });

  it("reports a file that does not exist", async () => {
    const { code, lines } = await run((out) => rosterCheck(fixture("nope.yaml"), out));
    expect(code).toBe(1);
    expect(lines).toEqual([
      `${fixture("nope.yaml")}:?: (file): cannot read the roster file: there is no such file`,
      "1 problem in nope.yaml",
    ]);
  });
});

describe("coachbot roster import", () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-roster-"));
    store = openSqliteStore(join(dir, "coachbot.db"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes nothing when the file has problems", async () => {
    const { code, lines } = await run((out) => rosterImport(THREE_ERRORS, store, out));
    expect(code).toBe(1);
    expect(lines.slice(-2)).toEqual(["3 problems in three-errors.yaml", "nothing was imported"]);
    expect(await store.getRoster()).toBeNull();
  });

  it("keeps the stored roster when a later import has problems", async () => {
    expect((await run((out) => rosterImport(fixture("valid.yaml"), store, out))).code).toBe(0);
    const before = await store.getRoster();
    expect(before?.people).toHaveLength(10);
    expect((await run((out) => rosterImport(THREE_ERRORS, store, out))).code).toBe(1);
    expect(await store.getRoster()).toEqual(before);
  });

  it("imports a valid file and says what it imported", async () => {
    const { code, lines } = await run((out) => rosterImport(fixture("valid.yaml"), store, out));
    expect(code).toBe(0);
    expect(lines).toEqual(["imported valid.yaml: 2 districts, 3 buildings, 10 people, 3 coaching groups"]);
    expect((await store.getRoster())?.groups.map((g) => g.id)).toEqual([
      "g7-peers",
      "kim-g8",
      "math-science",
    ]);
  });
});
