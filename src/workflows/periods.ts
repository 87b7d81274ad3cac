import { DateTime } from "luxon";
import { addDays, localDate, localInstant, nextAllowed } from "../domain/calendar.js";
import type { District, LocalDate } from "../domain/model.js";

// Reporting periods (calendar weeks Monday-Sunday and calendar months) in a district's own time
// zone, and the instants scheduled reports and nudges go out at.

export type Cadence = "weekly" | "monthly";

export interface Period {
  kind: "week" | "month";
  /** "2026-10" for a month, "2026-10-05" (its Monday) for a week. */
  id: string;
  start: LocalDate;
  /** Exclusive. */
  end: LocalDate;
  label: string;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

function utc(date: LocalDate): DateTime {
  return DateTime.fromISO(date, { zone: "utc" });
}

export function mondayOf(date: LocalDate): LocalDate {
  return utc(date).startOf("week").toISODate()!;
}

export function monthPeriod(id: string): Period {
  if (!MONTH_RE.test(id)) throw new RangeError(`"${id}" is not a month (YYYY-MM)`);
  const start = utc(`${id}-01`);
  return {
    kind: "month",
    id,
    start: start.toISODate()!,
    end: start.plus({ months: 1 }).toISODate()!,
    label: start.toFormat("LLLL yyyy", { locale: "en-US" }),
  };
}

function weekPeriod(date: LocalDate): Period {
  const start = mondayOf(date);
  const end = addDays(start, 7);
  const first = utc(start);
  const last = utc(addDays(start, 6));
  const lastFormat = first.month === last.month ? "d, yyyy" : "LLL d, yyyy";
  return {
    kind: "week",
    id: start,
    start,
    end,
    label: `week of ${first.toFormat("LLL d", { locale: "en-US" })}–${last.toFormat(lastFormat, { locale: "en-US" })}`,
  };
}

export function previousPeriod(p: Period): Period {
  return p.kind === "week"
    ? weekPeriod(addDays(p.start, -7))
    : monthPeriod(utc(p.start).minus({ months: 1 }).toFormat("yyyy-MM"));
}

/** The period containing a local date. */
function periodOf(kind: Period["kind"], date: LocalDate): Period {
  return kind === "week" ? weekPeriod(date) : monthPeriod(date.slice(0, 7));
}

/** The last complete period before `now` in the district (what a digest posted now reports on). */
export function lastCompletePeriod(cadence: Cadence, district: District, now: Date): Period {
  return previousPeriod(periodOf(cadence === "weekly" ? "week" : "month", localDate(district, now)));
}

/** Local midnight of a date (luxon moves a midnight the clocks skip to the first instant after it). */
export function dayStart(district: District, date: LocalDate): Date {
  return DateTime.fromISO(date, { zone: district.timezone }).startOf("day").toJSDate();
}

/** The period as instants [from, to), for store queries. */
export function periodInstants(district: District, p: Period): { from: string; to: string } {
  return { from: dayStart(district, p.start).toISOString(), to: dayStart(district, p.end).toISOString() };
}

/**
 * The first working moment of a school day on or after `date`; after the school year, that date's
 * working-hours start (reports keep their rhythm over the summer; nudges use nextAllowed alone).
 */
function firstWorkingMoment(district: District, date: LocalDate): Date {
  const start = dayStart(district, date);
  return nextAllowed(district, start) ?? localInstant(district, date, district.workHours.start) ?? start;
}

/** When a weekly (Monday) or monthly (first school day) report is next due, strictly after `after`. */
export function nextReportTime(district: District, cadence: Cadence, after: Date): Date {
  const today = localDate(district, after);
  let candidate = cadence === "weekly" ? mondayOf(today) : `${today.slice(0, 7)}-01`;
  for (;;) {
    const at = firstWorkingMoment(district, candidate);
    if (at.getTime() > after.getTime()) return at;
    candidate =
      cadence === "weekly" ? addDays(candidate, 7) : utc(candidate).plus({ months: 1 }).toISODate()!;
  }
}

/** Months from the one containing `from` through the one containing `to`, oldest first. */
export function monthsBetween(from: LocalDate, to: LocalDate): Period[] {
  const out: Period[] = [];
  for (let p = monthPeriod(from.slice(0, 7)); p.start <= to; p = monthPeriod(p.end.slice(0, 7))) out.push(p);
  return out;
}

/** The school year's months from its first day through today (or its last day); today's month before it starts. */
export function schoolYearMonths(district: District, now: Date): Period[] {
  const today = localDate(district, now);
  const { firstDay, lastDay } = district.calendar;
  const end = [today, lastDay].sort()[0]!;
  return end < firstDay ? monthsBetween(today, today) : monthsBetween(firstDay, end);
}
