import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { parseObserveEvery } from "../domain/groups.js";
import { DCI_PRACTICES, DIGEST_CADENCES, ROLES, STRUCTURES } from "../domain/model.js";

// The shape of a roster file, field by field. Checks that need more than one field (duplicates,
// references, date order) live in crossref.ts; this file only says what each value may be.

/** "YYYY-MM-DD" whether YAML gave a string (1.2 core schema) or a Date (a 1.1 document). */
export function toLocalDate(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  return DateTime.fromISO(v, { zone: "utc" }).isValid ? v : undefined;
}

export function isTimeOfDay(v: unknown): v is string {
  return typeof v === "string" && /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
}

/** The canonical spelling of a DCI practice, matched case-insensitively. */
export function canonicalPractice(text: string): string | undefined {
  const wanted = text.trim().toLowerCase();
  return DCI_PRACTICES.find((p) => p.toLowerCase() === wanted);
}

const shown = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));

const localDate = z.preprocess(
  (v) => (v instanceof Date ? toLocalDate(v) : v),
  z.string().refine((s) => toLocalDate(s) !== undefined, {
    error: (i) => `${shown(i.input)} is not a date`,
    params: { fix: "Write dates as YYYY-MM-DD, e.g. 2026-08-17" },
  }),
);

const timeOfDay = z.string().refine(isTimeOfDay, {
  error: (i) => `${shown(i.input)} is not a time of day`,
  params: { fix: 'Write the time as "HH:MM" in 24-hour form, in quotes, e.g. "07:30"' },
});

const id = z.string().refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s), {
  error: (i) => `${shown(i.input)} cannot be used as an id`,
  params: {
    fix: "Use only letters, digits, dots, dashes and underscores (no spaces or slashes), e.g. hillcrest-ms",
  },
});

const email = z.string().refine((s) => z.email().safeParse(s.trim()).success, {
  error: (i) => `${shown(i.input)} is not a valid e-mail address`,
  params: { fix: "Write the full address, e.g. ana.ruiz@school.example.org" },
});

const text = z.string().trim().min(1);

const channel = z.strictObject({ slack: text.optional(), teams: text.optional() });

const cadence = z.enum(DIGEST_CADENCES);

const building = z.strictObject({
  id,
  name: text,
  leadershipChannel: channel.optional(),
  digest: cadence.optional(),
});

const dateRange = z.strictObject({ from: localDate, to: localDate });

const district = z.strictObject({
  id,
  name: text,
  timezone: z.string().refine((s) => IANAZone.isValidZone(s), {
    error: (i) => `${shown(i.input)} is not a time zone`,
    params: { fix: "Use an IANA time zone name, e.g. America/Chicago (Central) or America/New_York" },
  }),
  workHours: z.strictObject({ start: timeOfDay, end: timeOfDay }),
  calendar: z.strictObject({
    firstDay: localDate,
    lastDay: localDate,
    noSchool: z.array(z.union([localDate, dateRange])).default([]),
    ics: text.optional(),
  }),
  leadershipChannel: channel.optional(),
  digests: z.strictObject({ district: cadence.optional(), buildings: cadence.optional() }).optional(),
  cst: z
    .strictObject({
      facilitators: z.array(email).default([]),
      contactEveryDays: z.number().int().positive().default(30),
    })
    .default({ facilitators: [], contactEveryDays: 30 }),
  buildings: z.array(building).default([]),
});

const person = z.strictObject({
  email,
  name: text,
  district: id.optional(),
  building: id.optional(),
  roles: z.array(z.enum(ROLES)).min(1),
  teams: z.array(id).default([]),
  slack: text.optional(),
  teamsId: text.optional(),
});

const group = z.strictObject({
  id,
  structure: z.enum(STRUCTURES),
  members: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).min(1),
  focus: z.string().refine((s) => canonicalPractice(s) !== undefined, {
    error: (i) => `${shown(i.input)} is not one of the DCI practices`,
    params: { fix: `Use one of: ${DCI_PRACTICES.join(", ")}` },
  }),
  observeEvery: z.string().refine((s) => parseObserveEvery(s) !== null, {
    error: (i) => `${shown(i.input)} is not a period the bot understands`,
    params: { fix: 'Write a number of days or weeks, e.g. "3 weeks" or "10 days"' },
  }),
});

/** The whole file, after a CSV `people:` path has been replaced by the CSV's rows. */
export const rosterFileSchema = z.strictObject({
  districts: z.array(district).min(1),
  people: z.array(person),
  coaching: z.array(group).default([]),
});

export type RosterFile = z.output<typeof rosterFileSchema>;
