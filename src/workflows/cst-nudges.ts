import { type CadenceNudge, cadenceNudges } from "../domain/cadence.js";
import { addDays, localDate, localInstant, mayMessage, nextAllowed } from "../domain/calendar.js";
import type { District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { ChangeSet, DueItem, NewOutboxEntry } from "../store/port.js";
import type { Message } from "../ui/model.js";
import {
  cstPeople,
  districtCadence,
  LOG_CONTACT_ACTION,
  ledgerMessage,
  ledgerRows,
  shortDate,
} from "./cst-ledger.js";
import { pausedUntil, toChannel, toPerson, type WorkflowDeps } from "./deps.js";
import { dueItem } from "./observations.js";
import { dayStart, mondayOf } from "./periods.js";

// The CST cadence runs on one due item per district: it wakes on the day the next nudge falls due,
// sends the latest nudge that is due (earlier ones the calendar skipped are not sent late) and
// sleeps until the next. Logging a contact moves it to "now", so it re-reads the cadence at once.
// A weekly ledger goes to each facilitator on Monday morning.

export const CADENCE_KIND = "cst-cadence";
export const LEDGER_KIND = "cst-ledger";

function cadenceDueKey(districtId: string): string {
  return `cst:${districtId}`;
}

function ledgerDueKey(personId: string): string {
  return `cst-ledger:${personId}`;
}

/** The district's cadence item, to run at the next moment nudges may go out from `now`. */
export function cadenceCheck(district: District, now: Date): DueItem[] {
  const at = nextAllowed(district, now);
  return at ? [dueItem(district.id, cadenceDueKey(district.id), CADENCE_KIND, at, {})] : [];
}

/** What the facilitators and district administrators read; `today` may be after the date it fell on. */
function nudgeText(stage: CadenceNudge["stage"], district: District, nextDue: string, today: string): string {
  const due = shortDate(nextDue);
  const what = `The CST contact with ${district.name}`;
  const told = district.leadershipChannel ? " The district leadership channel has been told too." : "";
  const line =
    stage === "due-soon"
      ? `${what} is due soon, by ${due}.`
      : stage === "overdue"
        ? `${what} ${nextDue === today ? "is due today" : `was due ${due}`}.`
        : `${what} is a week overdue: it was due ${due}.${told}`;
  return `${line} Once it has happened, log it here so the cadence starts again.`;
}

function nudgeMessage(key: string, district: District, nudge: CadenceNudge, text: string): Message {
  return {
    key,
    summary: text,
    blocks: [
      { kind: "text", tone: nudge.stage === "due-soon" ? "info" : "warning", text },
      {
        kind: "actions",
        actions: [{ id: LOG_CONTACT_ACTION, label: "Log a contact", style: "primary", context: district.id }],
      },
    ],
  };
}

async function nudgeEntries(
  deps: WorkflowDeps,
  roster: RosterIndex,
  district: District,
  nudge: CadenceNudge,
  nextDue: string,
  now: Date,
): Promise<NewOutboxEntry[]> {
  const today = localDate(district, now);
  const text = nudgeText(nudge.stage, district, nextDue, today);
  const out: NewOutboxEntry[] = [];
  // nudgeKey is once per district per due date and stage; each recipient gets its own entry under it.
  for (const person of cstPeople(roster, district)) {
    if (await pausedUntil(deps, person.id, today)) continue;
    const key = `${nudge.key}:${person.id}`;
    out.push(toPerson(district.id, person.id, nudgeMessage(key, district, nudge, text), now));
  }
  if (nudge.toLeadership && district.leadershipChannel) {
    const key = `${nudge.key}:leadership`;
    const note = `Heads-up: the Coaching Support Team contact for ${district.name} was due ${shortDate(nextDue)} and has not been logged yet.`;
    out.push(
      toChannel(district.id, district.leadershipChannel, nudgeMessage(key, district, nudge, note), now),
    );
  }
  return out;
}

/** Due handler "cst-cadence". */
export async function cadenceTick(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const roster = await deps.roster();
  const district = roster.district(item.districtId);
  if (!district) return null; // left the roster
  if (!mayMessage(district, now)) return { districtId: district.id, due: cadenceCheck(district, now) };
  const today = localDate(district, now);
  const status = districtCadence(district, await deps.store.contactsForDistrict(district.id), today);
  const nudges = cadenceNudges(district.id, status.nextDue);
  const current = nudges.filter((n) => n.due <= today).at(-1);
  const upcoming = nudges.find((n) => n.due > today);
  const wake = upcoming && nextAllowed(district, dayStart(district, upcoming.due));
  return {
    districtId: district.id,
    ...(wake ? { due: [{ ...item, atMs: wake.getTime(), payload: {} }] } : {}),
    ...(current ? { outbox: await nudgeEntries(deps, roster, district, current, status.nextDue, now) } : {}),
  };
}

/** Monday's working-hours start in the district, or the next school morning when Monday has no school. */
function mondayMorning(district: District, monday: string): Date | null {
  const start = localInstant(district, monday, district.workHours.start) ?? dayStart(district, monday);
  return nextAllowed(district, start);
}

/** Due handler "cst-ledger": the facilitator's weekly summary of every district they serve. */
export async function weeklyLedger(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const roster = await deps.roster();
  const personId = String(item.payload.personId);
  const districts = roster.districtsServedBy(personId);
  const home = roster.district(item.districtId) ?? districts[0];
  if (!home || districts.length === 0) return null; // no longer a facilitator
  const week = mondayOf(localDate(home, now));
  const next = mondayMorning(home, addDays(week, 7));
  const message = ledgerMessage(
    `${ledgerDueKey(personId)}:${week}`,
    await ledgerRows(deps, districts, now),
    "Your weekly CST cadence summary:",
  );
  return {
    districtId: item.districtId,
    ...(next ? { due: [{ ...item, atMs: next.getTime() }] } : {}),
    outbox: [toPerson(item.districtId, personId, message, now)],
  };
}

/**
 * Gives every district its cadence item and every facilitator their weekly summary where none
 * exists. Runs at start-up and after a roster import: O(districts + facilitators).
 */
export async function seedCadenceSchedules(
  deps: WorkflowDeps,
  roster: RosterIndex,
  now: Date,
): Promise<number> {
  let seeded = 0;
  const add = async (districtId: string, items: DueItem[]) => {
    const item = items[0];
    if (!item || (await deps.store.getDue(districtId, item.key))) return;
    await deps.store.apply({ districtId, due: [item] });
    seeded++;
  };
  for (const district of roster.roster.districts) await add(district.id, cadenceCheck(district, now));
  const facilitators = new Set(roster.roster.districts.flatMap((d) => d.cst.facilitators));
  for (const personId of facilitators) {
    const home = roster.districtsServedBy(personId)[0];
    if (!home || !roster.person(personId)) continue;
    const today = localDate(home, now);
    const thisWeek = mondayMorning(home, mondayOf(today));
    const at = thisWeek && thisWeek > now ? thisWeek : mondayMorning(home, addDays(mondayOf(today), 7));
    if (at) await add(home.id, [dueItem(home.id, ledgerDueKey(personId), LEDGER_KIND, at, { personId })]);
  }
  return seeded;
}
