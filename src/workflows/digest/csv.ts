import type { District } from "../../domain/model.js";
import { formatSuppressed } from "../../domain/privacy.js";
import { type Period, periodInstants } from "../periods.js";
import { FIGURES, type Published } from "./publish.js";
import type { Records } from "./records.js";
import { publishBuildings, publishSelection } from "./report.js";

// The digest's aggregates as CSV, one row per month and scope: the same published figures, so the
// same cells are hidden. Text cells are always quoted (RFC 4180), and a leading = + - @ is
// neutralised so a spreadsheet never reads a building name as a formula.

type Cell = string | number | null;

function field(v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvLine(cells: readonly Cell[]): string {
  return cells.map(field).join(",");
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

function figureCells(p: Published, minGroup: number): Cell[] {
  return FIGURES.map((def) => {
    if (p.hidden.includes(def.key)) return formatSuppressed(minGroup);
    const v = p.values[def.key];
    if (v === null) return null;
    return def.format === "percent" ? round(v * 100, 1) : def.format === "count" ? v : round(v, 2);
  });
}

export const CSV_HEADER = csvLine([
  "period",
  "scope",
  ...FIGURES.map((f) => (f.format === "percent" ? `${f.key}_pct` : f.key)),
  "cst_contacts",
]);

export interface CsvOptions {
  /** Only this building's rows (a building administrator's export). */
  buildingId?: string;
  practice?: string;
}

/** Rows, without the header, for each month: the district, then each building (or just the selection). */
export function csvRows(
  district: District,
  records: Records,
  months: readonly Period[],
  minGroup: number,
  opts: CsvOptions = {},
): string[] {
  const lines: string[] = [];
  for (const month of months) {
    const w = periodInstants(district, month);
    const contacts = records.contacts.filter((c) => c.date >= month.start && c.date < month.end).length;
    const row = (scope: string, p: Published, cst: number | null) =>
      lines.push(csvLine([month.id, scope, ...figureCells(p, minGroup), cst]));
    if (opts.practice !== undefined || opts.buildingId !== undefined) {
      const p = publishSelection(district, records, w, minGroup, opts);
      const building = district.buildings.find((b) => b.id === opts.buildingId);
      row(
        `${building?.name ?? district.name}${opts.practice ? `: ${opts.practice}` : ""}`,
        p,
        building ? null : contacts,
      );
      continue;
    }
    const all = publishBuildings(district, records, w, minGroup);
    row(district.name, all.district, contacts);
    for (const b of all.buildings) row(b.label, b.published, null);
  }
  return lines;
}
