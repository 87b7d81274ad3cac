import { type Building, DCI_PRACTICES, type District } from "../../domain/model.js";
import { type Period, periodInstants, previousPeriod } from "../periods.js";
import { type CstFigures, computeMetrics, cstFigures, type Filter, type Window } from "./metrics.js";
import { type FigureKey, type Group, inheritHidden, type Published, publishGroups } from "./publish.js";
import type { Records } from "./records.js";

// Puts metrics and privacy together for one district: every published figure, in the digest, the
// dashboard and the export, comes out of these functions, so they all hide the same cells.

export type Scope =
  | { kind: "district"; district: District }
  | { kind: "building"; district: District; building: Building };

const NO_BUILDING = "";

export interface BuildingFigures {
  id: string;
  label: string;
  published: Published;
}

/** The district's buildings, plus a group for records with no building when there are any. */
function buildingGroups(district: District, records: Records): { id: string; label: string }[] {
  const groups = district.buildings.map((b) => ({ id: b.id, label: b.name }));
  const loose = [...records.cycles, ...records.feedback].some((r) => r.buildingId === undefined);
  return loose ? [...groups, { id: NO_BUILDING, label: "Not in a building" }] : groups;
}

const only = (id: string): ReadonlySet<string | undefined> => new Set([id === NO_BUILDING ? undefined : id]);

/** The district as a whole, and each building as a sibling of the others. */
export function publishBuildings(district: District, records: Records, w: Window, minGroup: number) {
  const metrics = (filter: Filter) => computeMetrics(records.cycles, records.feedback, w, filter);
  const groups = buildingGroups(district, records);
  const published = publishGroups(
    groups.map((g): Group => ({ id: g.id, metrics: metrics({ buildingIds: only(g.id) }) })),
    minGroup,
    true,
  );
  return {
    district: publishGroups([{ id: district.id, metrics: metrics({}) }], minGroup, false)[0]!,
    buildings: groups.map((g, i): BuildingFigures => ({ ...g, published: published[i]! })),
  };
}

/** The practices a scope's records mention, DCI practices first. */
function practices(records: Records): string[] {
  return [
    ...new Set([
      ...DCI_PRACTICES,
      ...records.cycles.map((c) => c.focus),
      ...records.feedback.map((f) => f.focus),
    ]),
  ];
}

/** One scope (district or building), optionally one practice in it, as published. */
export function publishSelection(
  district: District,
  records: Records,
  w: Window,
  minGroup: number,
  sel: { buildingId?: string | undefined; practice?: string | undefined },
): Published {
  const all = publishBuildings(district, records, w, minGroup);
  const scoped =
    sel.buildingId === undefined
      ? all.district
      : all.buildings.find((b) => b.id === sel.buildingId)?.published;
  if (!scoped) throw new RangeError(`building ${sel.buildingId} is not in district ${district.id}`);
  if (sel.practice === undefined) return scoped;
  const buildingIds = sel.buildingId === undefined ? undefined : only(sel.buildingId);
  const list = practices(records);
  const published = publishGroups(
    list.map((practice) => ({
      id: practice,
      metrics: computeMetrics(records.cycles, records.feedback, w, {
        practice,
        ...(buildingIds ? { buildingIds } : {}),
      }),
    })),
    minGroup,
    true,
  );
  const index = list.indexOf(sel.practice);
  if (index < 0) throw new RangeError(`"${sel.practice}" is not a practice`);
  return inheritHidden(published[index]!, scoped);
}

export interface DigestReport {
  scope: Scope;
  scopeLabel: string;
  period: Period;
  minGroup: number;
  current: Published;
  previous: Published;
  /** District digests only: how each building compares. */
  buildings: { id: string; label: string; current: Published; previous: Published }[];
  cst: { current: CstFigures; previous: CstFigures };
}

export function buildReport(
  scope: Scope,
  period: Period,
  records: Records,
  minGroup: number,
  today: string,
): DigestReport {
  const { district } = scope;
  const before = previousPeriod(period);
  const now = publishBuildings(district, records, periodInstants(district, period), minGroup);
  const then = publishBuildings(district, records, periodInstants(district, before), minGroup);
  const pick = (p: typeof now) =>
    scope.kind === "district" ? p.district : p.buildings.find((b) => b.id === scope.building.id)!.published;
  return {
    scope,
    scopeLabel: scope.kind === "district" ? district.name : scope.building.name,
    period,
    minGroup,
    current: pick(now),
    previous: pick(then),
    buildings:
      scope.kind === "district"
        ? now.buildings.map((b, i) => ({
            id: b.id,
            label: b.label,
            current: b.published,
            previous: then.buildings[i]!.published,
          }))
        : [],
    cst: {
      current: cstFigures(district, records.contacts, period.start, period.end, today),
      previous: cstFigures(district, records.contacts, before.start, before.end, today),
    },
  };
}

const ACTIVITY: readonly FigureKey[] = ["prompted", "scheduled", "completed", "feedbackGiven"];

/** Nothing happened in either period: no digest is posted (quiet weeks, the summer). */
export function isQuiet(r: DigestReport): boolean {
  const active = (p: Published) => ACTIVITY.some((k) => (p.values[k] ?? 0) > 0);
  return !active(r.current) && !active(r.previous) && r.cst.current.contacts + r.cst.previous.contacts === 0;
}
