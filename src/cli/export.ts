import { z } from "zod";
import { CSV_HEADER, csvRows } from "../workflows/digest/csv.js";
import { loadRecords } from "../workflows/digest/records.js";
import { periodInstants, schoolYearMonths } from "../workflows/periods.js";
import { cliOptions, findScope, type ReportCliDeps } from "./digest.js";

type Out = (line: string) => void;

const ExportOptions = z.object({
  district: z.string({ message: "is required" }).regex(/^[\w.-]+$/, { message: "must be a district id" }),
});

/**
 * `coachbot export --district ID`: the digest aggregates as CSV on stdout, a row per month of the
 * school year so far for the district and each of its buildings, with the digest's privacy rules.
 */
export async function exportCommand(
  options: Record<string, unknown>,
  deps: Pick<ReportCliDeps, "workflows" | "now">,
  out: Out,
): Promise<number> {
  const args = cliOptions(ExportOptions, options, "coachbot export --district prairie-valley > coaching.csv");
  const scope = findScope(await deps.workflows.roster(), `district:${args.district}`);
  const { district } = scope;
  const months = schoolYearMonths(district, await deps.now());
  out(CSV_HEADER);
  const from = periodInstants(district, months[0]!).from;
  const to = periodInstants(district, months.at(-1)!).to;
  const records = await loadRecords(deps.workflows.store, district.id, from, to);
  for (const line of csvRows(district, records, months, deps.workflows.privacyMinGroup)) out(line);
  return 0;
}
