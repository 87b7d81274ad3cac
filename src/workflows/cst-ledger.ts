import { DateTime } from "luxon";
import { type CadenceState, type CadenceStatus, cadenceStatus } from "../domain/cadence.js";
import { localDate } from "../domain/calendar.js";
import type { Contact, District, LocalDate, Person } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { Block, Message } from "../ui/model.js";
import type { WorkflowDeps } from "./deps.js";
import { allows } from "./permissions.js";

// Where each district stands with its Coaching Support Team contacts: the facilitator's ledger, the
// same rows in a command reply, App Home, a card, the weekly summary and the dashboard.

export const LOG_CONTACT_ACTION = "cst.log";

export const CADENCE_LABELS: Record<CadenceState, string> = {
  ok: "on track",
  "due-soon": "due soon",
  overdue: "overdue",
  escalated: "overdue for a week or more",
};

export interface LedgerRow extends CadenceStatus {
  districtId: string;
  district: string;
  contactEveryDays: number;
}

/** Who hears about a district's cadence: whoever may read it (its facilitators and district administrators). */
export function cstPeople(roster: RosterIndex, district: District): Person[] {
  return roster.roster.people.filter((p) => allows("command:cadence", p, { district }));
}

export function lastContact(contacts: readonly Contact[]): LocalDate | null {
  return contacts.reduce<LocalDate | null>(
    (last, c) => (last === null || c.date > last ? c.date : last),
    null,
  );
}

/** The cadence as of `today`, counting from the school year's first day when there is no contact yet. */
export function districtCadence(district: District, contacts: readonly Contact[], today: LocalDate) {
  return cadenceStatus({
    contactEveryDays: district.cst.contactEveryDays,
    lastContact: lastContact(contacts),
    today,
    since: district.calendar.firstDay,
  });
}

export function ledgerRow(district: District, contacts: readonly Contact[], now: Date): LedgerRow {
  return {
    districtId: district.id,
    district: district.name,
    contactEveryDays: district.cst.contactEveryDays,
    ...districtCadence(district, contacts, localDate(district, now)),
  };
}

export async function ledgerRows(deps: WorkflowDeps, districts: readonly District[], now: Date) {
  return Promise.all(
    districts.map(async (d) => ledgerRow(d, await deps.store.contactsForDistrict(d.id), now)),
  );
}

export function shortDate(date: LocalDate): string {
  return DateTime.fromISO(date, { zone: "utc" }).toFormat("ccc LLL d", { locale: "en-US" });
}

export function ledgerLine(row: LedgerRow): string {
  const last =
    row.lastContact === null
      ? "no contact logged this year"
      : `last contact ${shortDate(row.lastContact)} (${row.daysSince} day${row.daysSince === 1 ? "" : "s"} ago)`;
  const late = row.status === "overdue" || row.status === "escalated";
  return `${CADENCE_LABELS[row.status]}: ${last}; ${late ? "was" : "next"} due ${shortDate(row.nextDue)} (every ${row.contactEveryDays} days)`;
}

/** One facts row and one "Log a contact" button per district. */
export function ledgerBlocks(rows: readonly LedgerRow[]): Block[] {
  if (rows.length === 0)
    return [{ kind: "text", text: "You don't serve any district as a CST facilitator." }];
  return [
    { kind: "facts", facts: rows.map((r) => ({ label: r.district, value: ledgerLine(r) })) },
    {
      kind: "actions",
      actions: rows.map((r) => ({
        id: LOG_CONTACT_ACTION,
        label: rows.length === 1 ? "Log a contact" : `Log a contact: ${r.district}`,
        ...(r.status === "ok" ? {} : { style: "primary" as const }),
        context: r.districtId,
      })),
    },
  ];
}

export function ledgerMessage(key: string, rows: readonly LedgerRow[], intro: string): Message {
  const late = rows.filter((r) => r.status === "overdue" || r.status === "escalated").length;
  return {
    key,
    summary: `CST cadence: ${rows.length} district${rows.length === 1 ? "" : "s"}${late ? `, ${late} overdue` : ""}`,
    blocks: [{ kind: "text", text: intro }, ...ledgerBlocks(rows)],
  };
}
