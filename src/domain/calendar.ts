// School days and messaging hours in a district's own time zone. Every answer is computed from the
// district's calendar and the instant passed in: nothing here reads the clock.
import { DateTime, IANAZone } from "luxon";
import type { DateRange, District, LocalDate, TimeOfDay } from "./model.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
// Fixed locale so messages read the same whatever machine the bot runs on.
const EN = { locale: "en-US" } as const;

/** A time zone's UTC offset, in minutes, at an instant. */
interface Zone {
  offset(ms: number): number;
}
const zones = new Map<string, Zone>();
const OFFSETS_KEPT = 10_000;

/**
 * The district's zone, its offsets remembered by instant: a tick asks for the same few instants
 * (its own, each school day's midnight and start) for every cycle it opens, and every answer not
 * remembered is an Intl formatting call.
 */
function zoneOf(district: District): Zone {
  const known = zones.get(district.timezone);
  if (known) return known;
  const iana = IANAZone.create(district.timezone);
  if (!iana.isValid) {
    throw new Error(`district ${district.id}: "${district.timezone}" is not an IANA time zone`);
  }
  const offsets = new Map<number, number>();
  const zone: Zone = {
    offset(ms) {
      let minutes = offsets.get(ms);
      if (minutes === undefined) {
        if (offsets.size >= OFFSETS_KEPT) offsets.clear();
        minutes = iana.offset(ms);
        offsets.set(ms, minutes);
      }
      return minutes;
    },
  };
  zones.set(district.timezone, zone);
  return zone;
}

/** Midnight UTC of a "YYYY-MM-DD" date, or NaN when it is not a real date. */
function dateMs(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) return Number.NaN;
  // Plain arithmetic, not a date library: a tick asks this tens of times per cycle it opens.
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March, and maps years 0-99 to 1900-1999: neither is the date.
  return isoDate(ms) === date ? ms : Number.NaN;
}

function minutesOf(time: string): number {
  const m = TIME_RE.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

function isoDate(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, n: number): LocalDate {
  const ms = dateMs(date);
  if (Number.isNaN(ms)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
  return isoDate(ms + n * DAY);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = dateMs(from);
  const b = dateMs(to);
  if (Number.isNaN(a) || Number.isNaN(b)) {
    throw new RangeError(`"${from}" or "${to}" is not a date (YYYY-MM-DD)`);
  }
  return Math.round((b - a) / DAY);
}

/** Sorted, with overlapping and back-to-back ranges joined. */
export function mergeRanges(ranges: readonly DateRange[]): DateRange[] {
  const sorted = [...ranges].sort((a, b) => a.from.localeCompare(b.from));
  const out: DateRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.from <= addDays(last.to, 1)) {
      if (r.to > last.to) last.to = r.to;
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

function isWeekend(date: LocalDate): boolean {
  const weekday = new Date(dateMs(date)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function isNoSchool(district: District, date: LocalDate): boolean {
  return district.calendar.noSchool.some((r) => date >= r.from && date <= r.to);
}

export function isSchoolDay(district: District, date: LocalDate): boolean {
  const { firstDay, lastDay } = district.calendar;
  if (Number.isNaN(dateMs(date)) || date < firstDay || date > lastDay) return false;
  return !isWeekend(date) && !isNoSchool(district, date);
}

/** The district's wall clock at `at`, encoded as if it were UTC. */
function wallMsOf(district: District, at: Date): number {
  return at.getTime() + zoneOf(district).offset(at.getTime()) * MINUTE;
}

export function localDate(district: District, at: Date): LocalDate {
  return isoDate(wallMsOf(district, at));
}

/** Milliseconds since local midnight of `at` in the district. */
function wallOfDay(district: District, at: Date): number {
  const wall = wallMsOf(district, at);
  return wall - Math.floor(wall / DAY) * DAY;
}

/**
 * The instants whose wall clock reads `wallMs` (a wall time encoded as if it were UTC): one normally,
 * none in a spring-forward gap, two in a fall-back hour (earlier first).
 */
function instantsAt(zone: Zone, wallMs: number): number[] {
  const offsets = new Set([zone.offset(wallMs - DAY), zone.offset(wallMs + DAY)]);
  return [...offsets]
    .map((o) => wallMs - o * MINUTE)
    .filter((ms) => zone.offset(ms) * MINUTE === wallMs - ms)
    .sort((a, b) => a - b);
}

/** The wall time as an instant; in a DST gap, the first instant after it (the moment the clocks jump). */
function wallOrNext(zone: Zone, wallMs: number): number {
  const [first] = instantsAt(zone, wallMs);
  if (first !== undefined) return first;
  const offsets = [zone.offset(wallMs - DAY), zone.offset(wallMs + DAY)];
  let before = wallMs - Math.max(...offsets) * MINUTE; // still on the old offset
  let after = wallMs - Math.min(...offsets) * MINUTE; // already on the new one
  while (after - before > MINUTE) {
    const mid = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (zone.offset(mid) === zone.offset(after)) after = mid;
    else before = mid;
  }
  return Math.floor(after / MINUTE) * MINUTE; // zone changes happen on whole minutes
}

/** null for a time the clocks skip that day; a time that happens twice resolves to the first. */
export function localInstant(district: District, date: LocalDate, time: TimeOfDay): Date | null {
  const wall = dateMs(date) + minutesOf(time) * MINUTE;
  if (Number.isNaN(wall)) return null;
  const [first] = instantsAt(zoneOf(district), wall);
  return first === undefined ? null : new Date(first);
}

function workStart(district: District, date: LocalDate): Date {
  return new Date(wallOrNext(zoneOf(district), dateMs(date) + minutesOf(district.workHours.start) * MINUTE));
}

export function mayMessage(district: District, at: Date): boolean {
  if (!isSchoolDay(district, localDate(district, at))) return false;
  const minute = Math.floor(wallOfDay(district, at) / MINUTE);
  return minute >= minutesOf(district.workHours.start) && minute < minutesOf(district.workHours.end);
}

export function nextAllowed(district: District, at: Date): Date | null {
  if (mayMessage(district, at)) return at;
  const today = localDate(district, at);
  if (
    isSchoolDay(district, today) &&
    wallOfDay(district, at) < minutesOf(district.workHours.start) * MINUTE
  ) {
    return workStart(district, today);
  }
  const { firstDay, lastDay } = district.calendar;
  for (let d = today < firstDay ? firstDay : addDays(today, 1); d <= lastDay; d = addDays(d, 1)) {
    if (isSchoolDay(district, d)) return workStart(district, d);
  }
  return null;
}

/**
 * The same local wall time `n` school days later. If the school year ends first, the day after lastDay,
 * when nothing may be sent, so callers asking nextAllowed get null.
 */
export function addSchoolDays(district: District, at: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`school days must be a whole number >= 0, got ${n}`);
  }
  const start = localDate(district, at);
  const end = addDays(district.calendar.lastDay, 1);
  let date = start;
  for (let left = n; left > 0 && date < end; ) {
    date = addDays(date, 1);
    if (isSchoolDay(district, date)) left--;
  }
  // Rebuilding the wall time could pick the other half of a fall-back hour.
  if (date === start) return new Date(at);
  return new Date(wallOrNext(zoneOf(district), dateMs(date) + wallOfDay(district, at)));
}

export function previousSchoolDay(district: District, date: LocalDate): LocalDate | null {
  const { firstDay, lastDay } = district.calendar;
  for (let d = date > lastDay ? lastDay : addDays(date, -1); d >= firstDay; d = addDays(d, -1)) {
    if (isSchoolDay(district, d)) return d;
  }
  return null;
}

function longDate(date: LocalDate): string {
  return DateTime.fromISO(date, { zone: "utc" }).toFormat("cccc, LLLL d, yyyy", EN);
}

function clockTime(minuteOfDay: number): string {
  return DateTime.fromMillis(minuteOfDay * MINUTE, { zone: "utc" }).toFormat("h:mm a", EN);
}

export interface SlotProblem {
  field: "date" | "time";
  message: string;
}

/**
 * Why an observation can't be booked at this local date and time, as a sentence for the teacher; null if
 * it can. Clashes with other bookings are checked elsewhere.
 */
export function checkObservationSlot(
  district: District,
  date: LocalDate,
  time: TimeOfDay,
  now: Date,
): SlotProblem | null {
  const { firstDay, lastDay } = district.calendar;
  const problem = (field: SlotProblem["field"], message: string): SlotProblem => ({ field, message });
  const minute = minutesOf(time);
  if (Number.isNaN(dateMs(date))) return problem("date", `"${date}" isn't a date. Use YYYY-MM-DD.`);
  if (Number.isNaN(minute)) return problem("time", `"${time}" isn't a time. Use HH:MM, like 09:45.`);
  const day = longDate(date);
  if (date < localDate(district, now)) return problem("date", `${day} has already passed.`);
  if (date < firstDay) {
    return problem("date", `That's before the school year starts on ${longDate(firstDay)}.`);
  }
  if (date > lastDay) return problem("date", `That's after the school year ends on ${longDate(lastDay)}.`);
  if (isWeekend(date)) return problem("date", `${day} is a weekend. Pick a school day.`);
  if (isNoSchool(district, date)) return problem("date", `There's no school on ${day}.`);
  const start = minutesOf(district.workHours.start);
  const end = minutesOf(district.workHours.end);
  if (minute < start || minute >= end) {
    const [from, to, last] = [clockTime(start), clockTime(end), clockTime(end - 1)];
    return problem("time", `School hours are ${from} to ${to}. Pick a time from ${from} to ${last}.`);
  }
  const at = localInstant(district, date, time);
  if (!at) {
    return problem("time", `${clockTime(minute)} doesn't exist on ${day}: the clocks change that day.`);
  }
  if (at < now) return problem("time", `${clockTime(minute)} on ${day} has already passed.`);
  return null;
}
