import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { RosterIssue, RosterResult } from "../../../src/roster/load.js";
import { parseRosterText } from "../../../src/roster/load.js";

const FIXTURES = new URL("../../fixtures/roster/", import.meta.url);
export const fixture = (name: string) => fileURLToPath(new URL(name, FIXTURES));
export const VALID = readFileSync(fixture("valid.yaml"), "utf8");

/** The valid fixture with each [find, replace] applied once; fails loudly if the fixture changed. */
export function variant(...edits: [string, string][]): string {
  return edits.reduce((text, [find, replace]) => {
    if (!text.includes(find)) throw new Error(`valid.yaml has no ${JSON.stringify(find)}`);
    return text.replace(find, replace);
  }, VALID);
}

/** Parses as "roster.yaml"; side files (CSV, ICS) come from `files`, by path. */
export function parse(text: string, files: Record<string, string> = {}): Promise<RosterResult> {
  return parseRosterText(text, "roster.yaml", async (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return content;
  });
}

export async function issuesOf(text: string, files: Record<string, string> = {}): Promise<RosterIssue[]> {
  const result = await parse(text, files);
  return result.ok ? [] : result.issues;
}

/** The 1-based line of the `nth` line containing (or matching) `needle`. */
export function lineOf(text: string, needle: string | RegExp, nth = 1): number {
  const lines = text.split("\n");
  const has = (l: string) => (typeof needle === "string" ? l.includes(needle) : needle.test(l));
  let seen = 0;
  const index = lines.findIndex((l) => has(l) && ++seen === nth);
  if (index < 0) throw new Error(`no line with ${JSON.stringify(needle)}`);
  return index + 1;
}

/** Exactly one issue, at this field, whose message matches. */
export async function expectOnly(
  text: string,
  field: string,
  message: RegExp,
  files?: Record<string, string>,
) {
  const issues = await issuesOf(text, files);
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  expect(issues[0]).toMatchObject({ field, message: expect.stringMatching(message) });
  return issues[0]!;
}
