// The observation cycle as an explicit state machine. The table is data so that a UI can hide the
// buttons for moves that would be refused.
import { CoachbotError } from "../errors.js";
import type { Cycle, CycleState } from "./model.js";
import { cleanText, NOTE_MAX, REASON_MAX } from "./text.js";

export type CycleEvent =
  | { type: "schedule"; at: Date; note?: string }
  | { type: "reschedule"; at: Date }
  | { type: "decline"; reason: string }
  | { type: "nudge" }
  | { type: "expire" }
  | { type: "confirm"; observedAt: Date }
  | { type: "miss" }
  | { type: "cancel" }
  | { type: "giveFeedback"; at: Date }
  | { type: "reflect"; at: Date };
export type CycleEventType = CycleEvent["type"];

/** For each event, the states it may leave from and the state it leads to. */
export const CYCLE_TRANSITIONS: {
  readonly [E in CycleEventType]: Readonly<Partial<Record<CycleState, CycleState>>>;
} = {
  schedule: { prompted: "scheduled" },
  reschedule: { scheduled: "scheduled" },
  decline: { prompted: "declined" },
  nudge: { prompted: "prompted", scheduled: "scheduled" },
  expire: { prompted: "unscheduled" },
  confirm: { scheduled: "observed" },
  miss: { scheduled: "missed" },
  cancel: { prompted: "cancelled", scheduled: "cancelled" },
  giveFeedback: { observed: "feedback-given" },
  reflect: { "feedback-given": "reflected" },
};

export const TERMINAL_STATES: readonly CycleState[] = [
  "reflected",
  "declined",
  "unscheduled",
  "missed",
  "cancelled",
];

export function isOpen(state: CycleState): boolean {
  return !TERMINAL_STATES.includes(state);
}

export function canTransition(state: CycleState, eventType: CycleEventType): boolean {
  return CYCLE_TRANSITIONS[eventType][state] !== undefined;
}

function illegal(cycle: Cycle, why: string): CoachbotError {
  return new CoachbotError("CYCLE_ILLEGAL_MOVE", `cycle ${cycle.id}: ${why}`);
}

function limited(cycle: Cycle, what: string, text: string, max: number): string {
  if (text.length > max) throw illegal(cycle, `${what} is longer than ${max} characters`);
  return text;
}

/** What the event records on the cycle, besides its state. */
function changes(cycle: Cycle, event: CycleEvent): Partial<Cycle> {
  switch (event.type) {
    case "schedule": {
      const note =
        event.note === undefined ? "" : limited(cycle, "the note", cleanText(event.note), NOTE_MAX);
      return { scheduledAt: event.at.toISOString(), ...(note ? { note } : {}) };
    }
    case "reschedule":
      return { scheduledAt: event.at.toISOString(), reschedules: cycle.reschedules + 1 };
    case "decline": {
      const reason = limited(cycle, "the reason", cleanText(event.reason), REASON_MAX);
      if (!reason) throw illegal(cycle, "can't decline without a reason");
      return { declineReason: reason };
    }
    case "nudge":
      return { nudges: cycle.nudges + 1 };
    case "confirm":
      return { observedAt: event.observedAt.toISOString() };
    case "giveFeedback":
      return { feedbackAt: event.at.toISOString() };
    case "reflect":
      return { reflectedAt: event.at.toISOString() };
    case "expire":
    case "miss":
    case "cancel":
      return {};
  }
}

/**
 * The cycle after `event`, as a new object; `at` is when it happens. Throws CYCLE_ILLEGAL_MOVE for a
 * move the table does not allow. `version` is left to the store, which owns optimistic concurrency.
 */
export function transition(cycle: Cycle, event: CycleEvent, at: Date): Cycle {
  const next = CYCLE_TRANSITIONS[event.type][cycle.state];
  if (next === undefined) throw illegal(cycle, `can't ${event.type} a cycle that is ${cycle.state}`);
  const now = at.toISOString();
  return {
    ...cycle,
    ...changes(cycle, event),
    state: next,
    updatedAt: now,
    ...(isOpen(next) ? {} : { closedAt: now }),
  };
}
