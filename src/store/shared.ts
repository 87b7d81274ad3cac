// Logic both stores share, so that SQLite and Redis cannot drift apart on what a record means.
import type { Cycle, Feedback, FeedbackFacts } from "../domain/model.js";
import type { ChangeSet, NewOutboxEntry, OutboxEntry, OutboxState } from "./port.js";

export const OUTBOX_STATES = ["pending", "sent", "dead"] as const satisfies readonly OutboxState[];

export const zeroOutboxCounts = () =>
  Object.fromEntries(OUTBOX_STATES.map((state) => [state, 0])) as Record<OutboxState, number>;

/** The free text of a feedback. Stored apart from the facts so that aggregate queries never read it. */
export type FeedbackText = Pick<Feedback, "glow" | "grow" | "nextStepNote" | "reflection">;

export function splitFeedback(feedback: Feedback): { facts: FeedbackFacts; text: FeedbackText } {
  const { glow, grow, nextStepNote, reflection, ...facts } = feedback;
  return { facts, text: { glow, grow, nextStepNote, reflection } };
}

export function joinFeedback(factsJson: string, textJson: string): Feedback {
  return { ...JSON.parse(factsJson), ...JSON.parse(textJson) };
}

/** Instants and dates are indexed as epoch ms, so ranges compare by time, not by text. */
export function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO date or instant: "${iso}"`);
  return ms;
}

/** The instant fields of a cycle (every field named *At), each listed once: the compiler refuses a missing one. */
type CycleInstantField = { [K in keyof Cycle]-?: K extends `${string}At` ? K : never }[keyof Cycle];
const CYCLE_INSTANTS = Object.keys({
  promptedAt: true,
  scheduledAt: true,
  observedAt: true,
  feedbackAt: true,
  reflectedAt: true,
  closedAt: true,
  updatedAt: true,
} satisfies Record<CycleInstantField, true>) as CycleInstantField[];

/**
 * A cycle's "touched" time (ms): the latest instant it records, whichever field holds it (updatedAt,
 * but also a booking or an observation dated after the last move). Every event a report counts a
 * cycle by happens at or before it, so a cycle touched before `from` has nothing in [from, ...): the
 * stores index it for cyclesTouchedInDistrict. A field that is no instant is passed over (no report
 * can count it either), so an odd old record never stops a write or the migration.
 */
export function cycleTouchedMs(cycle: Cycle): number {
  let touched = instantMs(cycle.promptedAt);
  for (const field of CYCLE_INSTANTS) {
    const at = Date.parse(cycle[field] ?? "");
    if (at > touched) touched = at;
  }
  return touched;
}

/**
 * A ChangeSet is one district's (mixing districts would break Redis's one-slot atomicity) and names
 * each cycle once (versions are checked against the stored state, before any write).
 */
export function assertChangeSet(changes: ChangeSet): void {
  const { districtId } = changes;
  const owners = [
    ...(changes.cycles ?? []).map((c) => c.cycle.districtId),
    ...[changes.feedback, changes.contacts, changes.due, changes.outbox].flatMap((items) =>
      (items ?? []).map((item) => item.districtId),
    ),
  ];
  const stranger = owners.find((owner) => owner !== districtId);
  if (stranger !== undefined) {
    throw new Error(`ChangeSet for district "${districtId}" holds a record of district "${stranger}"`);
  }
  const cycleIds = (changes.cycles ?? []).map((c) => c.cycle.id);
  const twice = cycleIds.find((id, i) => cycleIds.indexOf(id) !== i);
  if (twice !== undefined) throw new Error(`ChangeSet names cycle "${twice}" twice`);
}

export function assertLease(limit: number, leaseMs: number): void {
  if (!Number.isInteger(limit) || limit < 0)
    throw new Error(`limit must be a whole number >= 0, got ${limit}`);
  // A zero lease would hand the same item straight back to the next taker.
  if (!(leaseMs > 0)) throw new Error(`leaseMs must be > 0, got ${leaseMs}`);
}

/** The part of an outbox entry fixed at enqueue, kept as one JSON text. */
export function outboxBody(entry: NewOutboxEntry, createdMs: number): string {
  const { key, districtId, to, message, notBeforeMs } = entry;
  return JSON.stringify({ key, districtId, to, message, notBeforeMs, createdMs });
}

/** The part of an outbox entry that changes during delivery; each store keeps it in its own fields. */
export interface OutboxProgress {
  state: OutboxState;
  attempts: number;
  nextAttemptMs: number;
  leaseUntilMs?: number | null;
  sentMs?: number | null;
  platformRef?: string | null;
  lastError?: string | null;
}

export function outboxEntry(body: string, progress: OutboxProgress): OutboxEntry {
  const entry = { ...JSON.parse(body), ...progress } as OutboxEntry & Record<string, unknown>;
  // Absent, not null: entries read back from either store compare equal.
  for (const [field, value] of Object.entries(entry)) if (value == null) delete entry[field];
  return entry;
}

/** A delivery outcome: the new state, the fields it sets, and the time that orders the entry in that state. */
export interface OutboxOutcome {
  state: OutboxState;
  orderMs: number;
  set: Partial<Pick<OutboxEntry, "nextAttemptMs" | "sentMs" | "platformRef" | "lastError">>;
}

export const outboxOutcome = {
  sent: (platformRef: string, atMs: number): OutboxOutcome => ({
    state: "sent",
    orderMs: atMs,
    set: { sentMs: atMs, platformRef },
  }),
  retry: (nextAttemptMs: number, error: string): OutboxOutcome => ({
    state: "pending",
    orderMs: nextAttemptMs,
    set: { nextAttemptMs, lastError: error },
  }),
  dead: (reason: string, atMs: number): OutboxOutcome => ({
    state: "dead",
    orderMs: atMs,
    set: { lastError: reason },
  }),
};
