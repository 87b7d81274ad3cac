// Who observes whom in each cycle of a coaching group, and how often the group observes.
import { CoachbotError } from "../errors.js";
import type { CoachingGroup } from "./model.js";

function member(group: CoachingGroup, side: 0 | 1, index: number): string {
  const people = group.sides[side];
  const id = people[index % people.length];
  if (id === undefined) {
    throw new CoachbotError("ROSTER_INVALID", `group ${group.id}: side ${side + 1} has nobody in it`);
  }
  return id;
}

/** Cycle `seq` (1-based) of the group: one observer and the colleague they observe. */
export function pairFor(group: CoachingGroup, seq: number): { observerId: string; observedId: string } {
  if (!Number.isInteger(seq) || seq < 1) {
    throw new RangeError(`cycle number must be a whole number >= 1, got ${seq}`);
  }
  const k = seq - 1;
  const forward = k % 2 === 0;
  switch (group.structure) {
    case "peer-to-peer": {
      const [a, b] = [member(group, 0, 0), member(group, 1, 0)];
      return forward ? { observerId: a, observedId: b } : { observerId: b, observedId: a };
    }
    case "peer-to-team":
      return { observerId: member(group, 0, 0), observedId: member(group, 1, k) };
    case "team-to-team": {
      // Each round of two cycles pairs the next member of each side, once in each direction, so
      // everyone on both teams observes and is observed over time.
      const round = Math.floor(k / 2);
      const [a, b] = [member(group, 0, round), member(group, 1, round)];
      return forward ? { observerId: a, observedId: b } : { observerId: b, observedId: a };
    }
  }
}

/** "3 weeks" -> 21, "10 days" -> 10, "1 week" -> 7; anything else null. */
export function parseObserveEvery(text: string): number | null {
  const m = /^\s*(\d+)\s*(day|days|week|weeks)\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]) * (m[2]!.toLowerCase().startsWith("week") ? 7 : 1);
  return n > 0 ? n : null;
}
