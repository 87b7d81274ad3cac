import { nextAllowed } from "../domain/calendar.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { DueHandlers } from "../scheduler/tick.js";
import type { WorkflowDeps } from "./deps.js";
import { MODULES } from "./modules.js";
import { dueItem, groupDueKey } from "./observations.js";

/** Every kind of proactive work, by the `kind` of its due item. */
export function dueHandlers(deps: WorkflowDeps): DueHandlers {
  return Object.assign({}, ...MODULES.map((m) => m.due?.(deps) ?? {}));
}

/**
 * Gives every coaching group that has never been scheduled its first prompt at the next
 * allowed instant. Runs at start-up and after a roster import: O(groups), never per tick.
 */
export async function seedSchedules(deps: WorkflowDeps, roster: RosterIndex, now: Date): Promise<number> {
  let seeded = 0;
  for (const group of roster.roster.groups) {
    const district = roster.district(group.districtId);
    if (!district) continue;
    const key = groupDueKey(group.id);
    if (await deps.store.getDue(district.id, key)) continue;
    if ((await deps.store.cyclesForGroup(district.id, group.id)).length > 0) continue;
    const at = nextAllowed(district, now);
    if (!at) continue;
    await deps.store.apply({
      districtId: district.id,
      due: [dueItem(district.id, key, "group-cycle", at, { groupId: group.id, seq: 1 })],
    });
    seeded++;
  }
  return seeded;
}
