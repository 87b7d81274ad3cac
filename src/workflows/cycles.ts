import type { Cycle, CycleState, District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { ChangeSet } from "../store/port.js";
import type { Message } from "../ui/model.js";
import { cycleContext, type Outcome, parseCycleContext, replyText, type WorkflowDeps } from "./deps.js";
import { formatWhen } from "./format.js";
import { allows, refusal, type Step } from "./permissions.js";

// Shared pieces of the observation cycle: loading a cycle for someone who acts on it, and
// the words every cycle message uses.

export const OBSERVATION_MINUTES = 45;

export type Side = "observer" | "observed";

export interface CycleAccess {
  cycle: Cycle;
  district: District;
  side: Side;
  partnerId: string;
}

/** The cycle behind a button or form, only for someone the permission table lets take `step` on it. */
export async function cycleFor(
  deps: WorkflowDeps,
  roster: RosterIndex,
  personId: string,
  context: string,
  step: Step,
): Promise<CycleAccess | null> {
  const ref = parseCycleContext(context);
  if (!ref) return null;
  const cycle = await deps.store.getCycle(ref.districtId, ref.cycleId);
  const district = roster.district(ref.districtId);
  if (!cycle || !district || !allows(step, roster.person(personId), { cycle })) return null;
  const side: Side = cycle.observerId === personId ? "observer" : "observed";
  return { cycle, district, side, partnerId: side === "observer" ? cycle.observedId : cycle.observerId };
}

/** "You observe Ben Ortiz" / "Ben Ortiz observes you". */
export function roleLine(roster: RosterIndex, cycle: Cycle, personId: string): string {
  return cycle.observerId === personId
    ? `You observe ${roster.name(cycle.observedId)}`
    : `${roster.name(cycle.observerId)} observes you`;
}

export function cycleFacts(roster: RosterIndex, district: District, cycle: Cycle, personId: string) {
  const facts = [
    { label: "Focus practice", value: cycle.focus },
    { label: "Who observes whom", value: roleLine(roster, cycle, personId) },
  ];
  if (cycle.scheduledAt) facts.push({ label: "When", value: formatWhen(district, cycle.scheduledAt) });
  if (cycle.note) facts.push({ label: "Note", value: cycle.note });
  return { kind: "facts" as const, facts };
}

export function promptKey(cycle: Cycle, personId: string): string {
  return `prompt:${cycle.id}:${personId}`;
}

/** The prompt with its buttons, sent to each partner when a cycle opens (and again after a snooze). */
export function promptMessage(
  roster: RosterIndex,
  district: District,
  cycle: Cycle,
  personId: string,
): Message {
  const partner = roster.name(cycle.observerId === personId ? cycle.observedId : cycle.observerId);
  const context = cycleContext(district.id, cycle.id);
  return {
    key: promptKey(cycle, personId),
    summary: `Time to plan a classroom observation with ${partner}.`,
    blocks: [
      {
        kind: "text",
        text: `Hi ${firstName(roster.name(personId))}! It's time to plan your next classroom observation with ${partner}.`,
      },
      cycleFacts(roster, district, cycle, personId),
      {
        kind: "actions",
        actions: [
          { id: "obs.pick-time", label: "Pick a time", style: "primary", context },
          { id: "obs.decline", label: "Not this cycle", context },
          { id: "obs.snooze", label: "Snooze 2 school days", context },
        ],
      },
    ],
  };
}

/** Replaces a used prompt so its buttons can't be pressed twice. */
export function promptClosed(cycle: Cycle, personId: string, text: string): Message {
  return {
    key: `${promptKey(cycle, personId)}:closed:${cycle.version}`,
    replaces: promptKey(cycle, personId),
    summary: text,
    blocks: [{ kind: "text", text }],
  };
}

export function firstName(name: string): string {
  return name.split(/\s+/)[0] ?? name;
}

/** The due keys a cycle may have, so a closing step can cancel all that are left. */
export function cycleDueKeys(cycleId: string): string[] {
  return ["nudge", "expire", "remind-day", "remind-hour", "ask", "ask-nudge", "fb-nudge"].map(
    (k) => `${k}:${cycleId}`,
  );
}

/** A ChangeSet that moves one cycle from the version it was read at. */
export function cycleChange(districtId: string, before: Cycle, after: Cycle): ChangeSet {
  return { districtId, cycles: [{ cycle: after, expectedVersion: before.version }] };
}

export function alreadyClosed(cycle: Cycle): Outcome {
  return replyText(
    `closed:${cycle.id}`,
    `That observation is already ${cycle.state.replace("-", " ")}. Type \`status\` to see what's next.`,
    "info",
  );
}

/**
 * Every step on a cycle starts here: the cycle behind the button or form, for someone the step
 * allows, while the cycle is in one of `states`; otherwise the reply that refuses.
 */
export async function openStep(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  step: Step,
  states: readonly CycleState[],
): Promise<({ roster: RosterIndex } & CycleAccess) | { refused: Outcome }> {
  const roster = await deps.roster();
  const access = await cycleFor(deps, roster, personId, context, step);
  if (!access) return { refused: refusal("not-yours") };
  if (!states.includes(access.cycle.state)) return { refused: alreadyClosed(access.cycle) };
  return { roster, ...access };
}
