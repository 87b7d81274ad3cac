import { join } from "node:path";
import { parseIcsNoSchool } from "../domain/ics.js";
import type { DateRange } from "../domain/model.js";
import { type PathIssue, unreadable } from "./issues.js";
import { list, obj, str } from "./raw.js";
import { toLocalDate } from "./schema.js";

/** A district's `calendar.ics` feed, read and turned into no-school ranges within its school year. */
export async function loadIcsFeeds(
  data: unknown,
  baseDir: string,
  readFile: (path: string) => Promise<string>,
): Promise<{ ranges: Map<number, DateRange[]>; issues: PathIssue[] }> {
  const ranges = new Map<number, DateRange[]>();
  const issues: PathIssue[] = [];
  await Promise.all(
    list(obj(data).districts).map(async (d, di) => {
      const district = obj(d);
      const calendar = obj(district.calendar);
      const ics = str(calendar.ics);
      if (!ics) return;
      const path = ["districts", di, "calendar", "ics"];
      const file = join(baseDir, ics);
      let text: string;
      try {
        text = await readFile(file);
      } catch (e) {
        issues.push({
          path,
          message: `cannot read the calendar file ${file}: ${unreadable(e)}`,
          fix: "The path is relative to the folder of the roster file",
        });
        return;
      }
      const timezone = str(district.timezone);
      const from = toLocalDate(calendar.firstDay);
      const to = toLocalDate(calendar.lastDay);
      // A bad time zone or school year is reported by the other checks; the feed cannot be read without them.
      if (!timezone || !from || !to || to < from) return;
      try {
        ranges.set(di, parseIcsNoSchool(text, timezone, { from, to }));
      } catch (e) {
        issues.push({
          path,
          message: `the calendar file ${file} cannot be used: ${(e as Error).message}`,
          fix: "Export the no-school calendar again as an .ics file from the district's calendar system",
        });
      }
    }),
  );
  return { ranges, issues };
}
