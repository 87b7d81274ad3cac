import { formatSuppressed, suppressCells } from "../../domain/privacy.js";
import type { Metrics } from "./metrics.js";

// What of the metrics may be shown. Counts of activity are shown as they are; every rate, average
// or median, and the counts a rate is made of, is about people, so it goes through suppressCells
// (src/domain/privacy.ts), the one place the rule is decided: hidden for fewer than minGroup people,
// and, among sibling groups (buildings of a district, practices of a scope), a complementary cell
// hidden too so a hidden value can't be worked out from the published total.

export type Format = "count" | "percent" | "hours" | "rating";

type PeopleField = "outcomePeople" | "feedbackPeople" | "raters";

export interface FigureDef {
  key: FigureKey;
  label: string;
  format: Format;
  /** Set for the figures that are about people: how many people the value is about. */
  people?: PeopleField;
}

export type FigureKey =
  | "educatorsCoached"
  | "coaches"
  | "prompted"
  | "scheduled"
  | "completed"
  | "unscheduled"
  | "declined"
  | "missed"
  | "cancelled"
  | "completionRate"
  | "feedbackGiven"
  | "feedbackHours"
  | "usefulness";

export const FIGURES: readonly FigureDef[] = [
  { key: "educatorsCoached", label: "Educators receiving coaching", format: "count" },
  { key: "coaches", label: "Coaches providing it", format: "count" },
  { key: "prompted", label: "Coaching cycles opened", format: "count" },
  { key: "scheduled", label: "Observations scheduled", format: "count" },
  { key: "completed", label: "Observations completed", format: "count" },
  { key: "unscheduled", label: "Not scheduled (no answer)", format: "count", people: "outcomePeople" },
  { key: "declined", label: "Declined", format: "count", people: "outcomePeople" },
  { key: "missed", label: "Missed", format: "count", people: "outcomePeople" },
  { key: "cancelled", label: "Cancelled", format: "count", people: "outcomePeople" },
  { key: "completionRate", label: "Completion rate", format: "percent", people: "outcomePeople" },
  { key: "feedbackGiven", label: "Feedback given", format: "count" },
  {
    key: "feedbackHours",
    label: "Median hours from observation to feedback",
    format: "hours",
    people: "feedbackPeople",
  },
  { key: "usefulness", label: "Average usefulness rating", format: "rating", people: "raters" },
];

export const FIGURE: Record<FigureKey, FigureDef> = Object.fromEntries(
  FIGURES.map((f) => [f.key, f]),
) as Record<FigureKey, FigureDef>;

/** Safe to show: null is either no data or hidden (then the key is in `hidden`). */
export interface Published {
  values: Record<FigureKey, number | null>;
  hidden: FigureKey[];
  focus: Record<string, number>;
}

export interface Group {
  id: string;
  metrics: Metrics;
}

/**
 * Publishes each group. `siblings`: the groups are parts of a whole whose total is shown elsewhere
 * (so complementary suppression applies); false for one group on its own.
 */
export function publishGroups(groups: readonly Group[], minGroup: number, siblings: boolean): Published[] {
  const out = groups.map(
    (g): Published => ({ values: {} as Published["values"], hidden: [], focus: { ...g.metrics.focus } }),
  );
  for (const def of FIGURES) {
    const raw = groups.map((g) => g.metrics[def.key]);
    if (!def.people) {
      raw.forEach((v, i) => {
        out[i]!.values[def.key] = v;
      });
      continue;
    }
    const field = def.people;
    const cells = groups.map((g, i) => ({ label: g.id, people: g.metrics[field], value: raw[i]! }));
    suppressCells(cells, minGroup, { total: siblings }).forEach((c, i) => {
      out[i]!.values[def.key] = c.value;
      if (c.suppressed) out[i]!.hidden.push(def.key);
    });
  }
  return out;
}

/** Hides in `p` every figure hidden in `parent` (a practice inside a building hidden at building level). */
export function inheritHidden(p: Published, parent: Published): Published {
  const hidden = [...new Set([...p.hidden, ...parent.hidden])];
  const values = { ...p.values };
  for (const key of parent.hidden) values[key] = null;
  return { ...p, values, hidden };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function formatValue(format: Format, v: number): string {
  switch (format) {
    case "count":
      return String(v);
    case "percent":
      return `${Math.round(v * 100)}%`;
    case "hours":
      return `${v < 10 ? round1(v) : Math.round(v)} h`;
    case "rating":
      return `${v.toFixed(1)} of 5`;
  }
}

function formatChange(format: Format, now: number, before: number): string {
  const d = format === "percent" ? Math.round(now * 100) - Math.round(before * 100) : now - before;
  const n = format === "count" || format === "percent" ? d : round1(d);
  const sign = n > 0 ? "+" : n < 0 ? "−" : "±";
  const unit = format === "percent" ? " pts" : format === "hours" ? " h" : "";
  return `${sign}${Math.abs(n)}${unit}`;
}

/** "12", "fewer than 5" or "no data". */
export function displayValue(key: FigureKey, p: Published, minGroup: number): string {
  if (p.hidden.includes(key)) return formatSuppressed(minGroup);
  const v = p.values[key];
  return v === null ? "no data" : formatValue(FIGURE[key].format, v);
}

/** With the change since `before` when both periods have a shown value: "12 (+3)", "80% (n/a)". */
export function display(key: FigureKey, now: Published, before: Published | null, minGroup: number): string {
  const shown = displayValue(key, now, minGroup);
  const v = now.values[key];
  if (v === null) return shown;
  const b = before?.values[key] ?? null;
  return `${shown} (${b === null ? "n/a" : formatChange(FIGURE[key].format, v, b)})`;
}

/** The value a bar is drawn to: percentages as 0-100. */
export function barValue(key: FigureKey, p: Published): number | null {
  const v = p.values[key];
  return v === null ? null : FIGURE[key].format === "percent" ? Math.round(v * 100) : v;
}

export function countDisplay(now: number, before: number | null): string {
  return `${now} (${before === null ? "n/a" : formatChange("count", now, before)})`;
}
