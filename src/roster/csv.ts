import { parse } from "csv-parse/sync";
import type { RosterIssue } from "./issues.js";
import type { CsvSource } from "./lines.js";

// People as a spreadsheet export: one row per person, roles and teams separated by ";" in a cell.

const COLUMNS = ["email", "name", "district", "building", "roles", "teams", "slack_id", "teams_id"] as const;
const REQUIRED = ["email", "name", "district", "roles"];
const LISTS = new Set(["roles", "teams"]);
/** CSV column -> roster field, where they differ. */
const FIELD: Record<string, string> = { slack_id: "slack", teams_id: "teamsId" };

export function csvColumn(field: string): string {
  return Object.entries(FIELD).find(([, f]) => f === field)?.[0] ?? field;
}

export interface CsvPeople {
  people: Record<string, unknown>[];
  /** False when the file as a whole is unreadable (syntax, header); a bad row only drops that row. */
  usable: boolean;
  source: CsvSource;
  issues: RosterIssue[];
}

export function parsePeopleCsv(text: string, file: string): CsvPeople {
  const source: CsvSource = { file, lines: [], column: csvColumn };
  const issues: RosterIssue[] = [];
  const at = (line: number | null, field: string, message: string, fix?: string) =>
    issues.push(fix ? { file, line, field, message, fix } : { file, line, field, message });

  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    // csv-parse's types do not follow `info: true`, which wraps each record with its position.
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as never;
  } catch (e) {
    const err = e as Error & { lines?: number };
    at(
      err.lines ?? null,
      "row",
      err.message,
      "Values that contain a comma or a quote must be wrapped in double quotes",
    );
    return { people: [], usable: false, source, issues };
  }

  // csv-parse reports the line a record ends on; a record starts after the previous one and any blank lines.
  let end = 0;
  let blanks = 0;
  const rows = records.map(({ record, info }) => {
    const start = end + 1 + (info.empty_lines - blanks);
    end = info.lines;
    blanks = info.empty_lines;
    return { cells: record, line: start };
  });

  const [header, ...data] = rows;
  if (!header) {
    at(null, "(file)", "the file is empty", `Start with the header row: ${COLUMNS.join(",")}`);
    return { people: [], usable: false, source, issues };
  }
  const columns = header.cells.map((c) => c.toLowerCase());
  columns.forEach((c) => {
    if (!(COLUMNS as readonly string[]).includes(c)) {
      at(header.line, c, `unknown column "${c}"`, `The columns are: ${COLUMNS.join(", ")}`);
    }
  });
  for (const c of REQUIRED.filter((r) => !columns.includes(r))) {
    at(header.line, c, `the header has no "${c}" column`, `Add it; the columns are: ${COLUMNS.join(", ")}`);
  }
  if (issues.length) return { people: [], usable: false, source, issues };

  const people: Record<string, unknown>[] = [];
  for (const row of data) {
    if (row.cells.length !== columns.length) {
      at(
        row.line,
        "row",
        `this row has ${row.cells.length} values but the header has ${columns.length}`,
        "Check for a missing or extra comma; wrap values that contain commas in double quotes",
      );
      continue;
    }
    const person: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const cell = row.cells[i] ?? "";
      if (LISTS.has(c)) person[c] = splitList(cell);
      else if (cell) person[FIELD[c] ?? c] = cell;
    });
    people.push(person);
    source.lines.push(row.line);
  }
  return { people, usable: true, source, issues };
}

const splitList = (cell: string) =>
  cell
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
