import { localDate } from "../domain/calendar.js";
import { type Cycle, DCI_PRACTICES, type District } from "../domain/model.js";
import { formatSuppressed } from "../domain/privacy.js";
import type { RosterIndex } from "../domain/roster-index.js";
import { CADENCE_LABELS, ledgerRows } from "./cst-ledger.js";
import type { DashboardView } from "./dashboard.js";
import type { WorkflowDeps } from "./deps.js";
import { CSV_HEADER, csvLine, csvRows } from "./digest/csv.js";
import { barValue, display, displayValue, FIGURES, type Published } from "./digest/publish.js";
import { loadRecords } from "./digest/records.js";
import { publishBuildings, publishSelection } from "./digest/report.js";
import { monthsBetween, type Period, periodInstants, schoolYearMonths } from "./periods.js";

// What the dashboard page shows, as JSON: published aggregates for leaders (the same figures and
// suppression as the digests), a person's own cycles for everyone else. Never a name, never text.

export interface Filters {
  district?: string | undefined;
  building?: string | undefined;
  practice?: string | undefined;
}

export class FilterError extends Error {}

interface Selection {
  district: District;
  buildingId: string | undefined;
  practice: string | undefined;
}

function select(view: Extract<DashboardView, { kind: "aggregate" }>, f: Filters): Selection {
  const district = f.district ? view.districts.find((d) => d.id === f.district) : view.districts[0];
  if (!district) throw new FilterError("That district is not in your dashboard.");
  const buildingId = view.building?.id ?? (f.building || undefined);
  if (buildingId && !district.buildings.some((b) => b.id === buildingId)) {
    throw new FilterError("That building is not in this district.");
  }
  if (view.building && f.building && f.building !== view.building.id) {
    throw new FilterError("Your dashboard shows your own building only.");
  }
  const practice = f.practice || undefined;
  if (practice && !(DCI_PRACTICES as readonly string[]).includes(practice)) {
    throw new FilterError("That is not a DCI practice.");
  }
  return { district, buildingId, practice };
}

/** The school year's months up to now, and every record that can count in them. */
async function yearOf(deps: WorkflowDeps, district: District, now: Date) {
  const months = schoolYearMonths(district, now);
  const span = {
    from: periodInstants(district, months[0]!).from,
    to: periodInstants(district, months.at(-1)!).to,
  };
  return { months, span, records: await loadRecords(deps.store, district.id, span.from, span.to) };
}

function series(published: Published[], minGroup: number) {
  return FIGURES.map((def) => ({
    key: def.key,
    label: def.label,
    format: def.format,
    values: published.map((p) => barValue(def.key, p)),
    hidden: published.map((p) => p.hidden.includes(def.key)),
    suppressedText: formatSuppressed(minGroup),
  }));
}

export async function aggregateData(
  deps: WorkflowDeps,
  view: Extract<DashboardView, { kind: "aggregate" }>,
  filters: Filters,
  now: Date,
) {
  const sel = select(view, filters);
  const { district } = sel;
  const min = deps.privacyMinGroup;
  const { months, span, records } = await yearOf(deps, district, now);
  const monthly = months.map((m) =>
    publishSelection(district, records, periodInstants(district, m), min, sel),
  );
  const latest = monthly.at(-1)!;
  const before = monthly.at(-2) ?? null;
  const year = publishSelection(district, records, span, min, sel);
  const compare = !sel.buildingId && !sel.practice && district.buildings.length > 1;
  const buildings = compare ? publishBuildings(district, records, span, min).buildings : [];
  return {
    view: "aggregate" as const,
    minGroup: min,
    districts: view.districts.map((d) => ({
      id: d.id,
      name: d.name,
      buildings: (view.building ? [view.building] : d.buildings).map((b) => ({ id: b.id, name: b.name })),
    })),
    fixedBuilding: view.building !== undefined,
    selected: { district: district.id, building: sel.buildingId ?? null, practice: sel.practice ?? null },
    practices: [...DCI_PRACTICES],
    months: months.map((m) => ({ id: m.id, label: m.label })),
    series: series(monthly, min),
    latest: {
      label: `${months.at(-1)!.label} so far`,
      figures: FIGURES.map((def) => ({ label: def.label, display: display(def.key, latest, before, min) })),
    },
    focus: Object.entries(year.focus)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([label, value]) => ({ label, value })),
    buildings: buildings.map((b) => ({
      label: b.label,
      value: barValue("completionRate", b.published),
      display: displayValue("completionRate", b.published, min),
    })),
    ledger: (await ledgerRows(deps, view.ledger, now)).map((r) => ({
      district: r.district,
      lastContact: r.lastContact,
      daysSince: r.daysSince,
      nextDue: r.nextDue,
      status: r.status,
      statusLabel: CADENCE_LABELS[r.status],
    })),
  };
}

export async function aggregateCsv(
  deps: WorkflowDeps,
  view: Extract<DashboardView, { kind: "aggregate" }>,
  filters: Filters,
  now: Date,
): Promise<string> {
  const sel = select(view, filters);
  const { months, records } = await yearOf(deps, sel.district, now);
  const rows = csvRows(sel.district, records, months, deps.privacyMinGroup, {
    ...(sel.buildingId ? { buildingId: sel.buildingId } : {}),
    ...(sel.practice ? { practice: sel.practice } : {}),
  });
  return [CSV_HEADER, ...rows].join("\r\n") + "\r\n";
}

/** A person's own cycles: where they observed or were observed. Dates only, no partner. */
async function ownCycles(deps: WorkflowDeps, roster: RosterIndex, personId: string): Promise<Cycle[]> {
  const lists = await Promise.all(
    roster.cycleDistrictsOf(personId).map((d) => deps.store.cyclesForPerson(d, personId)),
  );
  return lists.flat().sort((a, b) => a.promptedAt.localeCompare(b.promptedAt) || a.id.localeCompare(b.id));
}

function ownRows(roster: RosterIndex, personId: string, cycles: Cycle[]) {
  return cycles.map((c) => {
    const d = roster.district(c.districtId)!;
    const day = (iso: string | undefined) => (iso ? localDate(d, new Date(iso)) : null);
    return {
      role: c.observerId === personId ? "observer" : "observed",
      focus: c.focus,
      state: c.state,
      prompted: day(c.promptedAt),
      scheduled: day(c.scheduledAt),
      observed: day(c.observedAt),
      feedback: day(c.feedbackAt),
    };
  });
}

export async function selfData(deps: WorkflowDeps, personId: string, now: Date) {
  const roster = await deps.roster();
  const rows = ownRows(roster, personId, await ownCycles(deps, roster, personId));
  const home = roster.district(roster.person(personId)?.districtId ?? "") ?? roster.roster.districts[0]!;
  const today = localDate(home, now);
  const first = [home.calendar.firstDay, today, ...rows.map((r) => r.prompted!)].sort()[0]!;
  const months = monthsBetween(first, today);
  const inMonth = (date: string | null, m: Period) => date !== null && date >= m.start && date < m.end;
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return {
    view: "self" as const,
    months: months.map((m) => ({ id: m.id, label: m.label })),
    series: [
      {
        key: "observed",
        label: "Your observations",
        values: months.map((m) => rows.filter((r) => inMonth(r.observed, m)).length),
      },
      {
        key: "feedback",
        label: "Feedback exchanged",
        values: months.map((m) => rows.filter((r) => inMonth(r.feedback, m)).length),
      },
    ],
    counts: Object.entries(counts).map(([state, value]) => ({ state, value })),
    cycles: rows,
  };
}

export async function selfCsv(deps: WorkflowDeps, personId: string): Promise<string> {
  const roster = await deps.roster();
  const rows = ownRows(roster, personId, await ownCycles(deps, roster, personId));
  const header = csvLine(["role", "focus", "state", "prompted", "scheduled", "observed", "feedback"]);
  const lines = rows.map((r) =>
    csvLine([r.role, r.focus, r.state, r.prompted, r.scheduled, r.observed, r.feedback]),
  );
  return [header, ...lines].join("\r\n") + "\r\n";
}
