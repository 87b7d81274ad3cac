// No-school days from a district's iCalendar feed: each event becomes the local dates it covers.
import ICAL from "ical.js";
import { DateTime, IANAZone } from "luxon";
import { addDays, daysBetween, mergeRanges } from "./calendar.js";
import type { DateRange, LocalDate } from "./model.js";

// A runaway rule (FREQ=MINUTELY, or DAILY since 1990) must fail loudly rather than hang the loader.
const MAX_OCCURRENCES = 20_000;

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;
type Timezone = InstanceType<typeof ICAL.Timezone>;

interface Context {
  timezone: string;
  window: { from: LocalDate; to: LocalDate };
  /** VTIMEZONEs in the file, for TZIDs that are not IANA names (Outlook writes "Central Standard Time"). */
  vtimezones: Map<string, Timezone>;
}

/** A problem with one event, reported with the event's name. */
class EventProblem extends Error {}

function parseCalendars(text: string): Component[] {
  if (!/^\s*BEGIN:VCALENDAR/i.test(text)) {
    throw new Error("not an iCalendar file: it should start with BEGIN:VCALENDAR");
  }
  let jcal: unknown[];
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new Error(`the iCalendar file can't be read: ${(e as Error).message}`);
  }
  // A feed that concatenates calendars parses to a list of them.
  const roots = typeof jcal[0] === "string" ? [jcal] : (jcal as unknown[][]);
  return roots.map((j) => new ICAL.Component(j));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function dateOf(t: Time): LocalDate {
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

function tzidOf(item: Component, prop: "dtstart" | "dtend"): string | undefined {
  const tzid = item.getFirstProperty(prop)?.getParameter("tzid");
  return typeof tzid === "string" ? tzid : undefined;
}

function instantOf(t: Time, tzid: string | undefined, ctx: Context): number {
  const wall = { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
  const wallAsUtc = DateTime.fromObject(wall, { zone: "utc" }).toMillis();
  if (t.zone?.tzid === "UTC") return wallAsUtc;
  // Floating times are the district's own local time.
  const zone = tzid ?? ctx.timezone;
  if (IANAZone.isValidZone(zone)) return DateTime.fromObject(wall, { zone }).toMillis();
  const vtz = ctx.vtimezones.get(zone);
  if (!vtz) {
    throw new EventProblem(`uses time zone '${zone}', which is neither an IANA name nor defined in the file`);
  }
  return wallAsUtc - vtz.utcOffset(t) * 1000;
}

function datesCovered(item: Component, start: Time, end: Time, ctx: Context): DateRange {
  if (start.isDate) {
    // All-day: DTEND is the first day after the event.
    const from = dateOf(start);
    const endDate = dateOf(end);
    return { from, to: endDate > from ? addDays(endDate, -1) : from };
  }
  const startTzid = tzidOf(item, "dtstart");
  const startMs = instantOf(start, startTzid, ctx);
  const endMs = instantOf(end, tzidOf(item, "dtend") ?? startTzid, ctx);
  if (endMs < startMs) throw new EventProblem("ends before it starts");
  // The end instant is exclusive: an event ending at midnight does not touch the next day.
  const lastMs = endMs > startMs ? endMs - 1 : startMs;
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: ctx.timezone }).toISODate() as LocalDate;
  return { from: local(startMs), to: local(lastMs) };
}

function eventRanges(vevent: Component, exceptions: Component[], ctx: Context): DateRange[] {
  if (!vevent.hasProperty("dtstart")) throw new EventProblem("has no DTSTART");
  const event = new ICAL.Event(vevent, { exceptions });
  // RFC 5545 always counts DTSTART; ical.js's iterator leaves it out when the only recurrences are
  // RDATEs, and yields nothing for an overridden occurrence on its own.
  const occurrences: Time[] = vevent.hasProperty("rrule") ? [] : [event.startDate];
  if (event.isRecurring()) {
    // Local dates can differ from the event's own by a day; stop once safely past the window.
    const stopAfter = addDays(ctx.window.to, 1);
    const iterator = event.iterator();
    for (let next = iterator.next(); next && dateOf(next) <= stopAfter; next = iterator.next()) {
      if (occurrences.length >= MAX_OCCURRENCES) {
        throw new EventProblem(`repeats more than ${MAX_OCCURRENCES} times before the window ends`);
      }
      occurrences.push(next);
    }
  }
  const ranges: DateRange[] = [];
  for (const occurrence of occurrences) {
    const { item, startDate, endDate } = event.getOccurrenceDetails(occurrence);
    if (String(item.component.getFirstPropertyValue("status")).toUpperCase() === "CANCELLED") continue;
    const r = datesCovered(item.component, startDate, endDate, ctx);
    if (r.to < ctx.window.from || r.from > ctx.window.to) continue;
    if (r.from < ctx.window.from) r.from = ctx.window.from;
    if (r.to > ctx.window.to) r.to = ctx.window.to;
    ranges.push(r);
  }
  return ranges;
}

/**
 * Every event in the feed as the local dates it covers in `timezone`, recurrences expanded, clipped to
 * `window` (inclusive), merged and sorted. Cancelled events and occurrences are left out.
 */
export function parseIcsNoSchool(
  icsText: string,
  timezone: string,
  window: { from: LocalDate; to: LocalDate },
): DateRange[] {
  if (!IANAZone.isValidZone(timezone)) throw new Error(`"${timezone}" is not an IANA time zone`);
  if (daysBetween(window.from, window.to) < 0) {
    throw new Error(`the window ${window.from}..${window.to} ends before it starts`);
  }
  const roots = parseCalendars(icsText);
  const vtimezones = new Map<string, Timezone>();
  for (const c of roots.flatMap((r) => r.getAllSubcomponents("vtimezone"))) {
    const tz = new ICAL.Timezone(c);
    vtimezones.set(tz.tzid, tz);
  }
  const ctx: Context = { timezone, window, vtimezones };
  const vevents = roots.flatMap((r) => r.getAllSubcomponents("vevent"));
  const uid = (v: Component) => String(v.getFirstPropertyValue("uid") ?? "");
  const isException = (v: Component) => v.hasProperty("recurrence-id");
  const masterUids = new Set(vevents.filter((v) => !isException(v)).map(uid));
  const ranges: DateRange[] = [];
  vevents.forEach((v, i) => {
    // Exceptions ride along with their master; one whose master is missing stands alone.
    if (isException(v) && masterUids.has(uid(v))) return;
    const exceptions = isException(v) ? [] : vevents.filter((e) => isException(e) && uid(e) === uid(v));
    try {
      ranges.push(...eventRanges(v, exceptions, ctx));
    } catch (e) {
      const name = v.getFirstPropertyValue("summary") ?? v.getFirstPropertyValue("uid") ?? `#${i + 1}`;
      const problem = e instanceof EventProblem ? e.message : `can't be read: ${(e as Error).message}`;
      throw new Error(`event '${name}' ${problem}`, { cause: e });
    }
  });
  return mergeRanges(ranges);
}
