import type { CadenceStatus } from "../../domain/cadence.js";
import { addDays } from "../../domain/calendar.js";
import type { Contact, Cycle, CycleState, District, FeedbackFacts, LocalDate } from "../../domain/model.js";
import { hoursBetween, median } from "../../domain/stats.js";
import { districtCadence } from "../cst-ledger.js";

// Every number a digest, the dashboard and the export show, computed from the raw records of one
// scope and period. Pure, and unsuppressed: publish.ts decides what may be shown.
//
// Each event counts in the period it happened in: an observation when it took place (observedAt),
// a booking by its booked time (scheduledAt), a closed cycle when it closed, feedback when it was
// given. A rating counts with its feedback.

export interface Window {
  /** Instants, [from, to). */
  from: string;
  to: string;
}

export interface Filter {
  buildingIds?: ReadonlySet<string | undefined>;
  practice?: string;
}

export interface Metrics {
  educatorsCoached: number;
  coaches: number;
  prompted: number;
  scheduled: number;
  completed: number;
  unscheduled: number;
  declined: number;
  missed: number;
  cancelled: number;
  /** Cycles that reached an outcome: completed plus the four ways of not happening. */
  outcomes: number;
  /** Distinct observers and observed in those cycles. */
  outcomePeople: number;
  completionRate: number | null;
  feedbackGiven: number;
  /** Distinct coaches and teachers in that feedback. */
  feedbackPeople: number;
  feedbackHours: number | null;
  ratings: number;
  /** Distinct teachers who rated. */
  raters: number;
  usefulness: number | null;
  /** Completed observations by focus practice. */
  focus: Record<string, number>;
}

const NOT_COMPLETED: readonly CycleState[] = ["unscheduled", "declined", "missed", "cancelled"];

const within = (w: Window, iso: string | undefined) =>
  iso !== undefined && Date.parse(iso) >= Date.parse(w.from) && Date.parse(iso) < Date.parse(w.to);

function keep(filter: Filter, buildingId: string | undefined, focus: string): boolean {
  return (
    (!filter.buildingIds || filter.buildingIds.has(buildingId)) &&
    (!filter.practice || filter.practice === focus)
  );
}

export function computeMetrics(
  cycles: readonly Cycle[],
  feedback: readonly FeedbackFacts[],
  w: Window,
  filter: Filter = {},
): Metrics {
  const mine = cycles.filter((c) => keep(filter, c.buildingId, c.focus));
  const completed = mine.filter((c) => within(w, c.observedAt));
  const closedAs = (state: CycleState) => mine.filter((c) => c.state === state && within(w, c.closedAt));
  const notCompleted = NOT_COMPLETED.flatMap(closedAs);
  const outcomes = [...completed, ...notCompleted];
  const given = feedback.filter((f) => keep(filter, f.buildingId, f.focus) && within(w, f.givenAt));
  const rated = given.filter((f) => f.usefulness !== undefined);
  const focus: Record<string, number> = {};
  for (const c of completed) focus[c.focus] = (focus[c.focus] ?? 0) + 1;
  const ratings = rated.map((f) => f.usefulness!);
  return {
    educatorsCoached: new Set(completed.map((c) => c.observedId)).size,
    coaches: new Set(completed.map((c) => c.observerId)).size,
    prompted: mine.filter((c) => within(w, c.promptedAt)).length,
    scheduled: mine.filter((c) => within(w, c.scheduledAt)).length,
    completed: completed.length,
    unscheduled: closedAs("unscheduled").length,
    declined: closedAs("declined").length,
    missed: closedAs("missed").length,
    cancelled: closedAs("cancelled").length,
    outcomes: outcomes.length,
    outcomePeople: new Set(outcomes.flatMap((c) => [c.observerId, c.observedId])).size,
    completionRate: outcomes.length ? completed.length / outcomes.length : null,
    feedbackGiven: given.length,
    feedbackPeople: new Set(given.flatMap((f) => [f.coachId, f.teacherId])).size,
    feedbackHours: median(given.map((f) => hoursBetween(f.observedAt, f.givenAt))),
    ratings: ratings.length,
    raters: new Set(rated.map((f) => f.teacherId)).size,
    usefulness: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
    focus,
  };
}

export interface CstFigures {
  /** Contacts whose date falls in the period. */
  contacts: number;
  /** The cadence as of the period's last day (or today, if earlier). */
  status: CadenceStatus;
}

export function cstFigures(
  district: District,
  contacts: readonly Contact[],
  start: LocalDate,
  end: LocalDate,
  today: LocalDate,
): CstFigures {
  const last = end <= today ? addDays(end, -1) : today;
  return {
    contacts: contacts.filter((c) => c.date >= start && c.date < end).length,
    status: districtCadence(
      district,
      contacts.filter((c) => c.date <= last),
      last,
    ),
  };
}
