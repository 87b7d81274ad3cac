import { DateTime } from "luxon";
import type { District } from "../domain/model.js";

// How times read to people: always in the district's own time zone.

export function formatWhen(district: District, iso: string): string {
  return DateTime.fromISO(iso, { zone: district.timezone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ");
}

export function formatDate(district: District, localDate: string): string {
  return DateTime.fromISO(localDate, { zone: district.timezone }).toFormat("cccc, LLLL d");
}

export function formatTime(district: District, iso: string): string {
  return DateTime.fromISO(iso, { zone: district.timezone }).toFormat("h:mm a");
}
