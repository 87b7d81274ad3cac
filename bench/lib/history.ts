import type { Contact, Cycle, Feedback, Roster } from "../../src/domain/model.js";
import type { Store } from "../../src/store/port.js";

// Years of coaching history for one district, written through the real Store.apply (so both stores
// lay it out exactly as the service would): cycles in every state, feedback for each completed
// cycle (facts and text), CST contacts.

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface HistoryOptions {
  /** Total cycles, spread evenly over [from, to) across the district's groups. */
  cycles: number;
  from: string;
  to: string;
  /** CST contacts over the same span. */
  contacts: number;
  /** Cycles per ChangeSet (one transaction / one Lua script each). */
  batch?: number;
}

export interface HistorySummary {
  cycles: number;
  feedback: number;
  contacts: number;
  seedMs: number;
}

/** Cheap deterministic hash of two integers to 0..99. */
const roll = (a: number, b: number) => (((a * 2654435761) ^ (b * 40503)) >>> 0) % 100;

export async function seedHistory(
  store: Store,
  roster: Roster,
  districtId: string,
  opts: HistoryOptions,
): Promise<HistorySummary> {
  const started = performance.now();
  const groups = roster.groups.filter((g) => g.districtId === districtId);
  const people = new Map(roster.people.map((p) => [p.id, p]));
  const from = Date.parse(opts.from);
  const span = Date.parse(opts.to) - from;
  const perGroup = Math.ceil(opts.cycles / groups.length);
  const batch = opts.batch ?? 1000;
  let cycles: { cycle: Cycle; expectedVersion: number }[] = [];
  let feedback: Feedback[] = [];
  const summary: HistorySummary = { cycles: 0, feedback: 0, contacts: 0, seedMs: 0 };

  const flush = async () => {
    if (cycles.length === 0) return;
    await store.apply({ districtId, cycles, feedback });
    summary.cycles += cycles.length;
    summary.feedback += feedback.length;
    cycles = [];
    feedback = [];
  };

  // Cycle k of every group, then k + 1: prompt times rise through the span like real history.
  for (let k = 0; k < perGroup && summary.cycles + cycles.length < opts.cycles; k++) {
    for (const [g, group] of groups.entries()) {
      if (summary.cycles + cycles.length >= opts.cycles) break;
      const seq = k + 1;
      const prompted = from + Math.floor(((k + g / groups.length) / perGroup) * span);
      const forward = k % 2 === 0;
      const [a, b] = [group.sides[0][0]!, group.sides[1][0]!];
      const observerId = forward ? a : b;
      const observedId = forward ? b : a;
      const buildingId = people.get(observedId)?.buildingId;
      const iso = (ms: number) => new Date(ms).toISOString();
      const base: Cycle = {
        id: `${group.id}-c${seq}`,
        groupId: group.id,
        districtId,
        ...(buildingId ? { buildingId } : {}),
        seq,
        observerId,
        observedId,
        focus: group.focus,
        state: "prompted",
        promptedAt: iso(prompted),
        reschedules: 0,
        nudges: 0,
        updatedAt: iso(prompted),
        version: 0,
      };
      const r = roll(g, k);
      const scheduled = prompted + 2 * DAY;
      const observed = prompted + 4 * DAY;
      const given = observed + 26 * HOUR;
      let cycle: Cycle;
      if (r < 62) {
        const reflected = r < 45;
        cycle = {
          ...base,
          state: reflected ? "reflected" : "feedback-given",
          scheduledAt: iso(observed),
          observedAt: iso(observed + HOUR),
          feedbackAt: iso(given),
          ...(reflected ? { reflectedAt: iso(given + DAY), closedAt: iso(given + DAY) } : {}),
          updatedAt: iso(reflected ? given + DAY : given),
        };
        feedback.push({
          cycleId: cycle.id,
          districtId,
          ...(buildingId ? { buildingId } : {}),
          coachId: observerId,
          teacherId: observedId,
          focus: group.focus,
          evidence: ["observation"],
          glow: "Clear learning targets posted and referred to throughout the lesson.",
          grow: "Check for understanding before moving to independent practice.",
          nextStep: "co-planning",
          momentOfNeed: "learning-more",
          observedAt: iso(observed + HOUR),
          givenAt: iso(given),
          ...(reflected
            ? {
                reflection: "Trying exit tickets next week.",
                usefulness: 1 + (r % 5),
                reflectedAt: iso(given + DAY),
              }
            : {}),
        });
      } else if (r < 72) {
        cycle = { ...base, state: "declined", declineReason: "testing week", closedAt: iso(prompted + DAY) };
      } else if (r < 82) {
        cycle = { ...base, state: "unscheduled", nudges: 2, closedAt: iso(prompted + 9 * DAY) };
      } else if (r < 88) {
        cycle = { ...base, state: "missed", scheduledAt: iso(scheduled), closedAt: iso(scheduled + 3 * DAY) };
      } else if (r < 93) {
        cycle = { ...base, state: "cancelled", closedAt: iso(prompted + 3 * DAY) };
      } else {
        cycle = { ...base, state: "scheduled", scheduledAt: iso(scheduled), updatedAt: iso(prompted + DAY) };
      }
      // As the state machine writes them: the last move's instant is updatedAt (and closedAt).
      if (cycle.closedAt && cycle.closedAt > cycle.updatedAt) cycle = { ...cycle, updatedAt: cycle.closedAt };
      cycles.push({ cycle, expectedVersion: 0 });
      if (cycles.length >= batch) await flush();
    }
  }
  await flush();

  const contacts: Contact[] = Array.from({ length: opts.contacts }, (_, i) => {
    const at = new Date(from + Math.floor((i / opts.contacts) * span));
    return {
      id: `contact-${i}`,
      districtId,
      loggedBy: roster.people[0]!.id,
      date: at.toISOString().slice(0, 10),
      mode: i % 2 ? "written" : "verbal",
      setting: i % 3 ? "virtual" : "on-site",
      topics: ["dci-practices"],
      loggedAt: at.toISOString(),
    };
  });
  for (let i = 0; i < contacts.length; i += batch) {
    await store.apply({ districtId, contacts: contacts.slice(i, i + batch) });
  }
  summary.contacts = contacts.length;
  summary.seedMs = performance.now() - started;
  return summary;
}
