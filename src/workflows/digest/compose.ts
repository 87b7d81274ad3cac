import { localDate } from "../../domain/calendar.js";
import type { ChannelRefs } from "../../domain/model.js";
import type { RosterIndex } from "../../domain/roster-index.js";
import type { Message } from "../../ui/model.js";
import type { WorkflowDeps } from "../deps.js";
import { type Period, periodInstants, previousPeriod } from "../periods.js";
import { loadRecords } from "./records.js";
import { renderDigest } from "./render.js";
import { buildReport, isQuiet, type Scope } from "./report.js";

// One digest, from a scope id ("district:ID" or "building:ID") and a period to a message.

/** The scope an id names, or null when the roster has no such district or building. */
export function parseScope(roster: RosterIndex, id: string): Scope | null {
  const m = /^(district|building):(.+)$/.exec(id);
  if (!m) return null;
  if (m[1] === "district") {
    const district = roster.district(m[2]!);
    return district ? { kind: "district", district } : null;
  }
  const building = roster.building(m[2]!);
  const district = building && roster.district(building.districtId);
  return building && district ? { kind: "building", district, building } : null;
}

export function scopeId(scope: Scope): string {
  return scope.kind === "district" ? `district:${scope.district.id}` : `building:${scope.building.id}`;
}

/** Where a scope's digest is posted. */
export function leadershipChannel(scope: Scope): ChannelRefs | undefined {
  return scope.kind === "district" ? scope.district.leadershipChannel : scope.building.leadershipChannel;
}

export async function composeDigest(
  deps: WorkflowDeps,
  scope: Scope,
  period: Period,
  now: Date,
): Promise<{ message: Message; quiet: boolean }> {
  const { district } = scope;
  const span = {
    from: periodInstants(district, previousPeriod(period)).from,
    to: periodInstants(district, period).to,
  };
  const records = await loadRecords(deps.store, district.id, span.from, span.to);
  const report = buildReport(scope, period, records, deps.privacyMinGroup, localDate(district, now));
  return { message: renderDigest(report, scopeId(scope)), quiet: isQuiet(report) };
}
