import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { LineCounter, parseDocument, type YAMLError, YAMLWarning } from "yaml";
import { crossCheck } from "./crossref.js";
import { parsePeopleCsv } from "./csv.js";
import { loadIcsFeeds } from "./ics-files.js";
import { type PathIssue, type RosterIssue, type RosterResult, unreadable } from "./issues.js";
import { type CsvSource, locateAll, makeLocator } from "./lines.js";
import { toRoster } from "./normalise.js";
import { obj } from "./raw.js";
import { checkShape } from "./schema-issues.js";

export type { RosterIssue, RosterResult } from "./issues.js";

type ReadText = (path: string) => Promise<string>;

const readText: ReadText = (path) => readFile(path, "utf8");

/** Reads and checks a roster file; on any problem, every problem found, each with its line. */
export async function loadRoster(path: string): Promise<RosterResult> {
  let text: string;
  try {
    text = await readText(path);
  } catch (e) {
    const message = `cannot read the roster file: ${unreadable(e)}`;
    return { ok: false, issues: [{ file: path, line: null, field: "(file)", message }] };
  }
  return parseRosterText(text, path, readText);
}

/** As loadRoster, for text already in hand; `readFile` reads the CSV and ICS files it points to. */
export async function parseRosterText(
  text: string,
  file: string,
  readFile: ReadText = readText,
): Promise<RosterResult> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) return { ok: false, issues: doc.errors.map((e) => yamlIssue(file, e)) };
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          field: "(file)",
          message: "the roster file is empty or is not a set of fields",
          fix: "It starts with districts:, then people: and coaching:",
        },
      ],
    };
  }
  const baseDir = dirname(file);
  const issues: RosterIssue[] = [];
  const people = await peopleFromCsv(obj(data), baseDir, readFile);
  issues.push(...people.issues);
  const locate = makeLocator(file, doc, lineCounter, people.source);
  const pathIssues: PathIssue[] = [...people.pathIssues];

  const shape = checkShape(data);
  pathIssues.push(...shape.issues);
  // Without its people file every reference would fail: report the file, not a cascade.
  const cross = people.usable ? crossCheck(data, (p) => locate(p).line) : undefined;
  pathIssues.push(...(cross?.issues ?? []));
  const ics = await loadIcsFeeds(data, baseDir, readFile);
  pathIssues.push(...ics.issues);
  issues.push(...locateAll(pathIssues, locate));

  if (issues.length || !shape.file || !cross) return { ok: false, issues: sortIssues(issues, file) };
  const warnings = [...doc.warnings.map((w) => yamlIssue(file, w)), ...locateAll(cross.warnings, locate)];
  return { ok: true, roster: toRoster(shape.file, cross.groups, ics.ranges), warnings };
}

interface CsvOutcome {
  /** False when the file could not be read or has no usable header: no person could be checked. */
  usable: boolean;
  source?: CsvSource;
  issues: RosterIssue[];
  pathIssues: PathIssue[];
}

/** `people: ./people.csv`: swaps the path for the CSV's rows, in place. */
async function peopleFromCsv(
  data: Record<string, unknown>,
  baseDir: string,
  readFile: ReadText,
): Promise<CsvOutcome> {
  if (typeof data.people !== "string") return { usable: true, issues: [], pathIssues: [] };
  const csvFile = join(baseDir, data.people);
  data.people = [];
  let text: string;
  try {
    text = await readFile(csvFile);
  } catch (e) {
    const message = `cannot read the people file ${csvFile}: ${unreadable(e)}`;
    const fix = "The path is relative to the folder of the roster file";
    return { usable: false, issues: [], pathIssues: [{ path: ["people"], message, fix }] };
  }
  const csv = parsePeopleCsv(text, csvFile);
  data.people = csv.people;
  return { usable: csv.usable, source: csv.source, issues: csv.issues, pathIssues: [] };
}

function yamlIssue(file: string, e: YAMLError): RosterIssue {
  // yaml appends " at line N, column M:" and a code excerpt; the line is reported separately.
  const message = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
  const issue = {
    file,
    line: e.linePos?.[0].line ?? null,
    field: "(syntax)",
    message: `YAML syntax: ${message}`,
  };
  if (e instanceof YAMLWarning) return issue;
  return { ...issue, fix: "Check the indentation and punctuation on this line and the one before it" };
}

/** The roster file first, then files it points to; by line within each. */
function sortIssues(issues: RosterIssue[], file: string): RosterIssue[] {
  const rank = (i: RosterIssue) => (i.file === file ? "" : i.file);
  return [...issues].sort((a, b) => rank(a).localeCompare(rank(b)) || (a.line ?? 0) - (b.line ?? 0));
}
