import { basename } from "node:path";
import type { Roster } from "../domain/model.js";
import { importRoster } from "../roster/import.js";
import type { RosterIssue, RosterResult } from "../roster/issues.js";
import { loadRoster } from "../roster/load.js";
import type { Store } from "../store/port.js";

type Out = (line: string) => void;

/** `coachbot roster check FILE`: 0 when the file is valid, 1 with every problem listed. */
export async function rosterCheck(file: string, out: Out): Promise<number> {
  return report(file, await loadRoster(file), out, (r) => `${basename(file)} is valid: ${counts(r)}`);
}

/** `coachbot roster import FILE`: all or nothing; on any problem nothing is written. */
export async function rosterImport(file: string, store: Store, out: Out): Promise<number> {
  const code = report(
    file,
    await importRoster(store, file),
    out,
    (r) => `imported ${basename(file)}: ${counts(r)}`,
  );
  if (code) out("nothing was imported");
  return code;
}

function report(file: string, result: RosterResult, out: Out, success: (r: Roster) => string): number {
  if (!result.ok) {
    for (const issue of result.issues) out(formatIssue(issue));
    const n = result.issues.length;
    out(`${n} problem${n === 1 ? "" : "s"} in ${basename(file)}`);
    return 1;
  }
  for (const warning of result.warnings) out(`warning: ${formatIssue(warning)}`);
  out(success(result.roster));
  return 0;
}

export function formatIssue(i: RosterIssue): string {
  return `${i.file}:${i.line ?? "?"}: ${i.field}: ${i.message}${i.fix ? ` (fix: ${i.fix})` : ""}`;
}

function counts(r: Roster): string {
  const buildings = r.districts.reduce((n, d) => n + d.buildings.length, 0);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    plural(r.districts.length, "district", "districts"),
    plural(buildings, "building", "buildings"),
    plural(r.people.length, "person", "people"),
    plural(r.groups.length, "coaching group", "coaching groups"),
  ].join(", ");
}
