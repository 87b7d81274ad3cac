import { retentionCutoff, withoutNote, withoutText } from "../data-life/erase.js";
import { addDays, localInstant } from "../domain/calendar.js";
import type { District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { ChangeSet, DueItem, Store } from "../store/port.js";
import type { WorkflowDeps } from "./deps.js";
import { dueItem } from "./observations.js";
import { dayStart } from "./periods.js";
import type { WorkflowModule } from "./registry.js";

// The end-of-year purge: the day after a district's last school day, the free text older than the
// retention (feedback, reflections, notes) is erased and old sent messages are deleted. The facts
// stay, so every count, rate and rating in the digests and the dashboard is unchanged.

const RETENTION_KIND = "retention";
const DEFAULT_RETENTION_MONTHS = 13;
/** Before anyone is at work, so nobody is looking at a message that is being erased. */
const PURGE_TIME = "02:00";

const retentionDueKey = (districtId: string) => `retention:${districtId}`;

/** The day after the district's last school day, early morning, local time. */
function purgeTime(district: District): Date {
  const day = addDays(district.calendar.lastDay, 1);
  return localInstant(district, day, PURGE_TIME) ?? dayStart(district, day);
}

/** The next purge after `now`: this year's, else a year on (until a new calendar is imported). */
function nextPurge(district: District, now: Date): Date {
  const at = purgeTime(district);
  while (at <= now) at.setUTCFullYear(at.getUTCFullYear() + 1);
  return at;
}

/**
 * One district's purge as one ChangeSet (so a due run stays a pure handler): feedback given before
 * `cutoff` loses its text, cycles closed before it lose their note, and sent or dead
 * messages older than it are deleted.
 */
export async function retentionChanges(store: Store, districtId: string, cutoff: Date): Promise<ChangeSet> {
  const epoch = new Date(0).toISOString();
  const before = cutoff.toISOString();
  const feedback = await store.feedbackFacts(districtId, epoch, before);
  // Prompted before the cutoff is where to look; closed before it is what is old.
  const noted = (await store.cyclesInDistrict(districtId, epoch, before)).filter(
    (c) => c.note !== undefined && c.closedAt !== undefined && Date.parse(c.closedAt) < cutoff.getTime(),
  );
  return {
    districtId,
    feedback: feedback.map(withoutText),
    cycles: noted.map((c) => ({ cycle: withoutNote(c), expectedVersion: c.version })),
    pruneOutboxBefore: cutoff.getTime(),
  };
}

/** Due handler: this district's purge, then next year's run booked. */
async function purgeDue(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const district = (await deps.roster()).district(item.districtId);
  if (!district) return null; // the district left the roster
  const months = Number(item.payload.months ?? DEFAULT_RETENTION_MONTHS);
  const changes = await retentionChanges(deps.store, district.id, retentionCutoff(now, months));
  return { ...changes, due: [{ ...item, atMs: nextPurge(district, now).getTime() }] };
}

/**
 * Books each district's purge where none exists, and moves one that a new calendar or a changed
 * retention makes wrong. Runs at start-up, like the other seeds.
 */
export async function seedRetentionSchedules(
  deps: WorkflowDeps,
  roster: RosterIndex,
  now: Date,
  months: number = DEFAULT_RETENTION_MONTHS,
): Promise<number> {
  let seeded = 0;
  for (const district of roster.roster.districts) {
    const key = retentionDueKey(district.id);
    const existing = await deps.store.getDue(district.id, key);
    const thisYear = purgeTime(district);
    const moved = thisYear > now && existing?.atMs !== thisYear.getTime();
    if (existing && !moved && existing.payload.months === months) continue;
    // A purge whose day has passed (a store seeded after the last school day) runs at the next tick.
    const at = existing && !moved ? new Date(existing.atMs) : thisYear;
    await deps.store.apply({
      districtId: district.id,
      due: [dueItem(district.id, key, RETENTION_KIND, at, { months })],
    });
    seeded++;
  }
  return seeded;
}

export const retentionModule: WorkflowModule = {
  due: (deps) => ({ [RETENTION_KIND]: (item, now) => purgeDue(deps, item, now) }),
};
