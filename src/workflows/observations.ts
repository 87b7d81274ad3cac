import {
  addSchoolDays,
  checkObservationSlot,
  localDate,
  localInstant,
  nextAllowed,
  previousSchoolDay,
} from "../domain/calendar.js";
import { transition } from "../domain/cycle.js";
import { pairFor } from "../domain/groups.js";
import type { Cycle, District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { ChangeSet, DueItem, NewOutboxEntry } from "../store/port.js";
import { formView, validateForm } from "../ui/forms.js";
import type { Message } from "../ui/model.js";
import {
  cycleChange,
  cycleFacts,
  firstName,
  OBSERVATION_MINUTES,
  openStep,
  promptClosed,
  promptMessage,
} from "./cycles.js";
import { type Outcome, pausedUntil, toPerson, type WorkflowDeps } from "./deps.js";
import { formatWhen } from "./format.js";
import { DECLINE_REASONS, declineForm, scheduleForm } from "./forms.js";
import type { WorkflowModule } from "./registry.js";
import { studentMentionErrors } from "./student-check.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const NUDGE_AFTER_SCHOOL_DAYS = [2, 5] as const;
/** After the second nudge, the cycle closes as "unscheduled" this many school days later. */
export const EXPIRE_AFTER_SCHOOL_DAYS = 2;
export const SNOOZE_SCHOOL_DAYS = 2;
/** The observer is asked "did it happen?" this long after the start. */
const ASK_AFTER_MS = HOUR;

export function groupDueKey(groupId: string): string {
  return `group:${groupId}`;
}

/**
 * Due handler "group-cycle": open the group's next cycle and prompt both partners, on a school
 * day in working hours, unless a partner is paused or the group's last cycle is still open.
 * Idempotent: the cycle id comes from the payload's seq, and the same ChangeSet moves this due
 * item to the next cadence.
 */
export async function openCycle(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const roster = await deps.roster();
  const group = roster.group(String(item.payload.groupId));
  const district = group && roster.district(group.districtId);
  if (!group || !district) return null; // the group left the roster: nothing more to do
  const seq = Number(item.payload.seq ?? 1);
  const again = (at: Date | null, nextSeq = seq): ChangeSet => ({
    districtId: district.id,
    ...(at ? { due: [{ ...item, atMs: at.getTime(), payload: { groupId: group.id, seq: nextSeq } }] } : {}),
  });

  const allowed = nextAllowed(district, now);
  if (!allowed) return again(null); // the school year is over
  if (allowed.getTime() > now.getTime()) return again(allowed);

  const pair = pairFor(group, seq);
  const today = localDate(district, now);
  const pauses = await Promise.all(
    [pair.observerId, pair.observedId].map((p) => pausedUntil(deps, p, today)),
  );
  const resumeOn = pauses
    .filter((p): p is string => p !== null)
    .sort()
    .at(-1);
  if (resumeOn) {
    return again(nextAllowed(district, new Date(Date.parse(`${resumeOn}T12:00:00Z`) + DAY)));
  }
  const previous = await deps.store.getCycle(district.id, cycleId(group.id, seq - 1));
  const nextCadence = nextAllowed(district, new Date(now.getTime() + group.observeEveryDays * DAY));
  if (previous && ["prompted", "scheduled", "observed"].includes(previous.state)) {
    return again(nextCadence); // still busy with the last one: don't pile up prompts
  }

  const id = cycleId(group.id, seq);
  if (await deps.store.getCycle(district.id, id)) return again(nextCadence, seq + 1);

  const observed = roster.person(pair.observedId);
  const cycle: Cycle = {
    id,
    groupId: group.id,
    districtId: district.id,
    ...(observed?.buildingId ? { buildingId: observed.buildingId } : {}),
    seq,
    observerId: pair.observerId,
    observedId: pair.observedId,
    focus: group.focus,
    state: "prompted",
    promptedAt: now.toISOString(),
    reschedules: 0,
    nudges: 0,
    updatedAt: now.toISOString(),
    version: 1,
  };
  const nudge = addSchoolDays(district, now, NUDGE_AFTER_SCHOOL_DAYS[0]);
  return {
    districtId: district.id,
    cycles: [{ cycle, expectedVersion: 0 }],
    outbox: [pair.observerId, pair.observedId].map((p) =>
      toPerson(district.id, p, promptMessage(roster, district, cycle, p), now),
    ),
    due: [
      ...(again(nextCadence, seq + 1).due ?? []),
      dueItem(district.id, `nudge:${id}`, "prompt-nudge", nudge, { cycleId: id, stage: 1 }),
    ],
  };
}

export function cycleId(groupId: string, seq: number): string {
  return `${groupId}-c${seq}`;
}

export function dueItem(
  districtId: string,
  key: string,
  kind: string,
  at: Date,
  payload: Record<string, unknown>,
): DueItem {
  return { key, districtId, atMs: at.getTime(), kind, payload };
}

/** "Pick a time" (also "Reschedule"): open the form, for either partner of an open cycle. */
export async function pickTime(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:obs.pick-time", ["prompted", "scheduled"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district } = opened;
  const values = cycle.scheduledAt
    ? { date: localDate(district, new Date(cycle.scheduledAt)), time: localTime(district, cycle) }
    : { date: localDate(district, nextAllowed(district, now) ?? now) };
  return {
    reply: {
      messages: [],
      form: formView(scheduleForm, context, {
        intro: `${cycleFacts(roster, district, cycle, personId)
          .facts.map((f) => `${f.label}: ${f.value}`)
          .join(" · ")}. Times are in ${district.timezone.replace("_", " ")}.`,
        values,
      }),
    },
  };
}

function localTime(district: District, cycle: Cycle): string {
  return new Date(cycle.scheduledAt!).toLocaleTimeString("en-GB", {
    timeZone: district.timezone,
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** The schedule form: refused with a per-field message for any bad time or clash; else both partners confirmed. */
export async function submitSchedule(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "form:obs.schedule", ["prompted", "scheduled"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district } = opened;

  const parsed = validateForm(scheduleForm, values);
  if (!parsed.ok) return { reply: { messages: [], errors: parsed.errors } };
  const { date, time, note } = parsed.data;
  const warned = await studentMentionErrors(deps, roster, `${cycle.id}:schedule`, { note });
  if (warned) return { reply: { messages: [], errors: warned } };
  const problem = checkObservationSlot(district, date, time, now);
  if (problem) return { reply: { messages: [], errors: { [problem.field]: problem.message } } };
  const at = localInstant(district, date, time)!; // checkObservationSlot refused times that don't exist
  const clash = await findClash(deps, roster, cycle, at);
  if (clash) return { reply: { messages: [], errors: { time: clash } } };

  const rescheduling = cycle.state === "scheduled";
  const next = transition(
    cycle,
    rescheduling ? { type: "reschedule", at } : { type: "schedule", at, ...(note ? { note } : {}) },
    now,
  );
  const scheduled: Cycle = note !== undefined && rescheduling ? { ...next, note } : next;
  const outbox: NewOutboxEntry[] = [];
  const partners = [cycle.observerId, cycle.observedId];
  for (const p of partners) {
    if (!rescheduling) {
      const who = p === personId ? "You" : roster.name(personId);
      outbox.push(
        toPerson(
          district.id,
          p,
          promptClosed(
            scheduled,
            p,
            `${who} scheduled it for ${formatWhen(district, scheduled.scheduledAt!)}.`,
          ),
          now,
        ),
      );
    }
    if (p !== personId)
      outbox.push(
        toPerson(district.id, p, confirmation(deps, roster, district, scheduled, p, personId), now),
      );
  }
  return {
    changes: {
      ...cycleChange(district.id, cycle, scheduled),
      outbox,
      cancelDue: [`nudge:${cycle.id}`, `expire:${cycle.id}`],
      due: remindersFor(district, scheduled, now),
    },
    reply: { messages: [confirmation(deps, roster, district, scheduled, personId, personId)] },
  };
}

/** Another scheduled observation of either partner that overlaps this one. */
async function findClash(
  deps: WorkflowDeps,
  roster: RosterIndex,
  cycle: Cycle,
  at: Date,
): Promise<string | null> {
  const window = OBSERVATION_MINUTES * 60_000;
  for (const personId of [cycle.observerId, cycle.observedId]) {
    for (const districtId of roster.cycleDistrictsOf(personId)) {
      for (const other of await deps.store.cyclesForPerson(districtId, personId)) {
        if (other.id === cycle.id || other.state !== "scheduled" || !other.scheduledAt) continue;
        if (Math.abs(Date.parse(other.scheduledAt) - at.getTime()) < window) {
          const district = roster.district(other.districtId)!;
          return `${firstName(roster.name(personId))} already has an observation at ${formatWhen(district, other.scheduledAt)}. Pick a time at least ${OBSERVATION_MINUTES} minutes away from it.`;
        }
      }
    }
  }
  return null;
}

/** Reminders the school day before and an hour before, then "did it happen?" after. */
export function remindersFor(district: District, cycle: Cycle, now: Date): DueItem[] {
  const at = new Date(cycle.scheduledAt!);
  const payload = { cycleId: cycle.id, scheduledAt: cycle.scheduledAt };
  const items: DueItem[] = [];
  const dayBefore = previousSchoolDay(district, localDate(district, at));
  const dayBeforeAt = dayBefore && nextAllowed(district, new Date(Date.parse(`${dayBefore}T00:00:00Z`)));
  if (dayBeforeAt && dayBeforeAt > now && localDate(district, dayBeforeAt) === dayBefore) {
    items.push(
      dueItem(
        district.id,
        `remind-day:${cycle.id}`,
        "remind-day",
        new Date(dayBeforeAt.getTime() + HOUR),
        payload,
      ),
    );
  }
  const hourBefore = new Date(at.getTime() - HOUR);
  if (hourBefore > now)
    items.push(dueItem(district.id, `remind-hour:${cycle.id}`, "remind-hour", hourBefore, payload));
  items.push(
    dueItem(district.id, `ask:${cycle.id}`, "ask-happened", new Date(at.getTime() + ASK_AFTER_MS), payload),
  );
  return items;
}

export function confirmation(
  deps: WorkflowDeps,
  roster: RosterIndex,
  district: District,
  cycle: Cycle,
  personId: string,
  byId: string,
): Message {
  const when = formatWhen(district, cycle.scheduledAt!);
  const ics = deps.links.sign(
    "/calendar/observation.ics",
    { district: district.id, cycle: cycle.id, person: personId, v: String(cycle.reschedules) },
    Date.parse(cycle.scheduledAt!) + 7 * DAY,
  );
  const who = byId === personId ? "" : ` (${roster.name(byId)} picked the time)`;
  return {
    key: `scheduled:${cycle.id}:${cycle.reschedules}:${personId}`,
    summary: `Observation ${cycle.reschedules > 0 ? "rescheduled" : "scheduled"}: ${when}`,
    blocks: [
      {
        kind: "text",
        tone: "success",
        text: `Observation ${cycle.reschedules > 0 ? "rescheduled" : "scheduled"} for ${when}${who}.`,
      },
      cycleFacts(roster, district, cycle, personId),
      { kind: "link", label: "Add to my calendar (.ics)", url: ics },
      {
        kind: "actions",
        actions: [
          { id: "obs.pick-time", label: "Reschedule", context: `${district.id}/${cycle.id}` },
          { id: "obs.cancel", label: "Cancel", style: "danger", context: `${district.id}/${cycle.id}` },
        ],
      },
    ],
  };
}

/** "Not this cycle": open the reason form. */
export async function declineStart(deps: WorkflowDeps, personId: string, context: string): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:obs.decline", ["prompted"]);
  if ("refused" in opened) return opened.refused;
  return { reply: { messages: [], form: formView(declineForm, context) } };
}

export async function submitDecline(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "form:obs.decline", ["prompted"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district, partnerId } = opened;
  const parsed = validateForm(declineForm, values);
  if (!parsed.ok) return { reply: { messages: [], errors: parsed.errors } };
  const reason = parsed.data.reason as keyof typeof DECLINE_REASONS;
  const declined = transition(cycle, { type: "decline", reason }, now);
  const byName = roster.name(personId);
  return {
    changes: {
      ...cycleChange(district.id, cycle, declined),
      cancelDue: [`nudge:${cycle.id}`, `expire:${cycle.id}`],
      outbox: [
        toPerson(district.id, personId, promptClosed(declined, personId, "You skipped this cycle."), now),
        toPerson(
          district.id,
          partnerId,
          promptClosed(
            declined,
            partnerId,
            `${byName} skipped this cycle (${DECLINE_REASONS[reason].toLowerCase()}). The next one will come around as usual.`,
          ),
          now,
        ),
      ],
    },
    reply: { messages: [] },
  };
}

/** "Snooze 2 school days": the prompt comes back to this partner later; the nudges wait too. */
export async function snooze(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:obs.snooze", ["prompted"]);
  if ("refused" in opened) return opened.refused;
  const { cycle, district } = opened;
  const back = addSchoolDays(district, now, SNOOZE_SCHOOL_DAYS);
  return {
    changes: {
      districtId: district.id,
      due: [
        dueItem(district.id, `snooze:${cycle.id}:${personId}`, "snooze-return", back, {
          cycleId: cycle.id,
          personId,
        }),
        dueItem(
          district.id,
          `nudge:${cycle.id}`,
          "prompt-nudge",
          addSchoolDays(district, back, NUDGE_AFTER_SCHOOL_DAYS[0]),
          {
            cycleId: cycle.id,
            stage: 1,
          },
        ),
      ],
      outbox: [
        toPerson(
          district.id,
          personId,
          promptClosed(
            cycle,
            personId,
            `Snoozed: I'll ask again on ${formatWhen(district, back.toISOString())}.`,
          ),
          now,
        ),
      ],
    },
    reply: { messages: [] },
  };
}

export const observationsModule: WorkflowModule = {
  actions: {
    "obs.pick-time": pickTime,
    "obs.decline": (d, p, c) => declineStart(d, p, c),
    "obs.snooze": snooze,
  },
  submits: { [scheduleForm.id]: submitSchedule, [declineForm.id]: submitDecline },
  due: (deps) => ({ "group-cycle": (item, now) => openCycle(deps, item, now) }),
};
