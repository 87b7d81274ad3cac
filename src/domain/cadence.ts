// How a district's contacts with its Coaching Support Team keep pace, and when to nudge about it.
// Cadence counts calendar days: check-ins continue over school breaks.
import { addDays, daysBetween } from "./calendar.js";
import type { LocalDate } from "./model.js";

const DUE_SOON_DAYS_BEFORE = 5;
const ESCALATE_DAYS_AFTER = 7;

export type CadenceState = "ok" | "due-soon" | "overdue" | "escalated";
export type NudgeStage = "due-soon" | "overdue" | "escalation";

export interface CadenceInput {
  contactEveryDays: number;
  lastContact: LocalDate | null;
  today: LocalDate;
  /** When the cadence started (e.g. the school year's firstDay); counts as the last contact if there was none. */
  since: LocalDate;
}

export interface CadenceStatus {
  lastContact: LocalDate | null;
  daysSince: number | null;
  nextDue: LocalDate;
  status: CadenceState;
}

export interface CadenceNudge {
  stage: NudgeStage;
  /** The local date from which this nudge should go out. */
  due: LocalDate;
  key: string;
  /** Escalations also go to the district leadership channel. */
  toLeadership: boolean;
}

function stateWhenLate(daysLate: number): CadenceState {
  if (daysLate >= ESCALATE_DAYS_AFTER) return "escalated";
  if (daysLate >= 0) return "overdue";
  return daysLate >= -DUE_SOON_DAYS_BEFORE ? "due-soon" : "ok";
}

export function cadenceStatus(input: CadenceInput): CadenceStatus {
  const { contactEveryDays, lastContact, today, since } = input;
  if (!Number.isInteger(contactEveryDays) || contactEveryDays < 1) {
    throw new RangeError(`contactEveryDays must be a whole number >= 1, got ${contactEveryDays}`);
  }
  const nextDue = addDays(lastContact ?? since, contactEveryDays);
  const status = stateWhenLate(daysBetween(nextDue, today));
  return {
    lastContact,
    daysSince: lastContact === null ? null : daysBetween(lastContact, today),
    nextDue,
    status,
  };
}

/** Dedupe key: each nudge goes out once per district per due date. */
export function nudgeKey(districtId: string, nextDue: LocalDate, stage: NudgeStage): string {
  return `cst-nudge:${districtId}:${nextDue}:${stage}`;
}

/** The three nudges for a due date, in the order they fall due. */
export function cadenceNudges(districtId: string, nextDue: LocalDate): CadenceNudge[] {
  const nudge = (stage: NudgeStage, offset: number): CadenceNudge => ({
    stage,
    due: addDays(nextDue, offset),
    key: nudgeKey(districtId, nextDue, stage),
    toLeadership: stage === "escalation",
  });
  return [
    nudge("due-soon", -DUE_SOON_DAYS_BEFORE),
    nudge("overdue", 0),
    nudge("escalation", ESCALATE_DAYS_AFTER),
  ];
}
