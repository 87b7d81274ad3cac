import type { ChannelRefs, DigestCadence, District } from "../../domain/model.js";
import type { RosterIndex } from "../../domain/roster-index.js";
import type { ChangeSet, DueItem } from "../../store/port.js";
import { toChannel, type WorkflowDeps } from "../deps.js";
import { dueItem } from "../observations.js";
import { type Cadence, lastCompletePeriod, nextReportTime } from "../periods.js";
import type { WorkflowModule } from "../registry.js";
import { composeDigest, parseScope } from "./compose.js";

// When digests go out. By default each building's leadership channel gets a weekly digest (Monday,
// first working hour) and the district's leadership channel a monthly one (first school day of the
// month). A roster can change that per district and per building:
//
//   districts:
//     - id: prairie-valley
//       digests: { district: weekly, buildings: monthly }   # weekly | monthly | off
//       buildings:
//         - { id: pv-middle, name: ..., digest: off }         # overrides `buildings` for one building

export const DIGEST_KIND = "digest";

export interface DigestPlan {
  scope: string;
  cadence: Cadence;
  channel: ChannelRefs;
}

/** Every digest the district's channels receive. Channels that are not set get none. */
export function digestPlans(district: District): DigestPlan[] {
  const plans: DigestPlan[] = [];
  const add = (scope: string, setting: DigestCadence, channel: ChannelRefs | undefined) => {
    if (setting !== "off" && channel) plans.push({ scope, cadence: setting, channel });
  };
  add(`district:${district.id}`, district.digests?.district ?? "monthly", district.leadershipChannel);
  for (const b of district.buildings) {
    add(`building:${b.id}`, b.digest ?? district.digests?.buildings ?? "weekly", b.leadershipChannel);
  }
  return plans;
}

export function digestDueKey(scope: string): string {
  return `digest:${scope}`;
}

/** Due handler "digest": posts the last complete period's digest (unless all was quiet) and books the next. */
export async function postDigest(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const roster = await deps.roster();
  const scope = parseScope(roster, String(item.payload.scope));
  const plan = scope && digestPlans(scope.district).find((p) => p.scope === item.payload.scope);
  if (!scope || !plan) return null; // turned off, or the channel or scope left the roster
  const { district } = scope;
  const { message, quiet } = await composeDigest(
    deps,
    scope,
    lastCompletePeriod(plan.cadence, district, now),
    now,
  );
  return {
    districtId: district.id,
    due: [{ ...item, atMs: nextReportTime(district, plan.cadence, now).getTime() }],
    ...(quiet ? {} : { outbox: [toChannel(district.id, plan.channel, message, now)] }),
  };
}

/** Books each planned digest that has no due item yet. Runs at start-up and after a roster import. */
export async function seedDigestSchedules(
  deps: WorkflowDeps,
  roster: RosterIndex,
  now: Date,
): Promise<number> {
  let seeded = 0;
  for (const district of roster.roster.districts) {
    for (const plan of digestPlans(district)) {
      const key = digestDueKey(plan.scope);
      if (await deps.store.getDue(district.id, key)) continue;
      const at = nextReportTime(district, plan.cadence, now);
      await deps.store.apply({
        districtId: district.id,
        due: [dueItem(district.id, key, DIGEST_KIND, at, { scope: plan.scope })],
      });
      seeded++;
    }
  }
  return seeded;
}

export const digestModule: WorkflowModule = {
  due: (deps) => ({ [DIGEST_KIND]: (item, now) => postDigest(deps, item, now) }),
};
