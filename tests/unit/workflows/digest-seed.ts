// A plain, hand-written September and October 2026 of coaching in Prairie Valley (demo roster),
// used by the digest, export and dashboard tests. Every cycle's times are spelled out.
import type { Contact, Cycle, CycleState, Feedback } from "../../../src/domain/model.js";
import type { Store } from "../../../src/store/port.js";

const EL = "pv-elementary";
const MS = "pv-middle";
const at = (p: string) => `${p}@prairievalley.example.org`;
export const P = {
  lauren: at("lauren.okafor"),
  emily: at("emily.tran"),
  jacob: at("jacob.whitehorse"),
  sofia: at("sofia.delgado"),
  hannah: at("hannah.kowalski"),
  darnell: at("darnell.price"),
  priya: at("priya.raman"),
  tom: at("tom.nguyen"),
  rebecca: at("rebecca.stone"),
  kevin: at("kevin.brooks"),
  maria: at("maria.esposito"),
  jamal: at("jamal.washington"),
  claire: at("claire.dubois"),
  noah: at("noah.feldman"),
};

interface Spec {
  id: string;
  building: string;
  observer: string;
  observed: string;
  focus: string;
  state: CycleState;
  prompted: string;
  scheduled?: string;
  observed_?: string;
  closed?: string;
  /** Feedback given at, and the teacher's rating if any. */
  feedback?: { given: string; usefulness?: number };
}

const CFA = "Common Formative Assessment";
const DACL = "Developing Assessment Capable Learners";
const META = "Metacognition";

export const SPECS: Spec[] = [
  // September
  {
    id: "s1",
    building: EL,
    observer: P.lauren,
    observed: P.sofia,
    focus: CFA,
    state: "reflected",
    prompted: "2026-09-08T14:00:00Z",
    scheduled: "2026-09-15T15:00:00Z",
    observed_: "2026-09-15T15:00:00Z",
    feedback: { given: "2026-09-16T15:00:00Z", usefulness: 4 },
  },
  {
    id: "s2",
    building: EL,
    observer: P.emily,
    observed: P.jacob,
    focus: "Feedback",
    state: "reflected",
    prompted: "2026-09-14T14:00:00Z",
    scheduled: "2026-09-22T15:00:00Z",
    observed_: "2026-09-22T15:00:00Z",
    feedback: { given: "2026-09-23T15:00:00Z", usefulness: 5 },
  },
  {
    id: "s3",
    building: MS,
    observer: P.tom,
    observed: P.maria,
    focus: DACL,
    state: "reflected",
    prompted: "2026-09-14T14:00:00Z",
    scheduled: "2026-09-24T15:00:00Z",
    observed_: "2026-09-24T15:00:00Z",
    feedback: { given: "2026-09-25T15:00:00Z", usefulness: 2 },
  },
  {
    id: "s4",
    building: MS,
    observer: P.kevin,
    observed: P.maria,
    focus: DACL,
    state: "unscheduled",
    prompted: "2026-09-08T14:00:00Z",
    closed: "2026-09-18T14:00:00Z",
  },
  // Prompted in September, observed in October: counts in October.
  {
    id: "x1",
    building: EL,
    observer: P.lauren,
    observed: P.jacob,
    focus: CFA,
    state: "feedback-given",
    prompted: "2026-09-28T14:00:00Z",
    scheduled: "2026-10-02T15:00:00Z",
    observed_: "2026-10-02T15:00:00Z",
    feedback: { given: "2026-10-05T15:00:00Z" },
  },
  // October, elementary
  {
    id: "e1",
    building: EL,
    observer: P.lauren,
    observed: P.hannah,
    focus: CFA,
    state: "reflected",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-06T15:00:00Z",
    observed_: "2026-10-06T15:00:00Z",
    feedback: { given: "2026-10-07T15:00:00Z", usefulness: 5 },
  },
  {
    id: "e2",
    building: EL,
    observer: P.lauren,
    observed: P.darnell,
    focus: CFA,
    state: "feedback-given",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-08T15:00:00Z",
    observed_: "2026-10-08T15:00:00Z",
    feedback: { given: "2026-10-08T21:00:00Z" },
  },
  {
    id: "e3",
    building: EL,
    observer: P.lauren,
    observed: P.priya,
    focus: CFA,
    state: "reflected",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-13T16:00:00Z",
    observed_: "2026-10-13T16:00:00Z",
    feedback: { given: "2026-10-15T16:00:00Z", usefulness: 4 },
  },
  {
    id: "e4",
    building: EL,
    observer: P.emily,
    observed: P.jacob,
    focus: "Feedback",
    state: "observed",
    prompted: "2026-10-05T14:00:00Z",
    scheduled: "2026-10-14T15:00:00Z",
    observed_: "2026-10-14T15:00:00Z",
  },
  {
    id: "e5",
    building: EL,
    observer: P.jacob,
    observed: P.emily,
    focus: "Feedback",
    state: "unscheduled",
    prompted: "2026-10-02T14:00:00Z",
    closed: "2026-10-15T14:00:00Z",
  },
  {
    id: "e6",
    building: EL,
    observer: P.sofia,
    observed: P.emily,
    focus: "Feedback",
    state: "declined",
    prompted: "2026-10-05T14:00:00Z",
    closed: "2026-10-06T14:00:00Z",
  },
  // October, middle school
  {
    id: "m1",
    building: MS,
    observer: P.tom,
    observed: P.kevin,
    focus: DACL,
    state: "reflected",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-07T14:00:00Z",
    observed_: "2026-10-07T14:00:00Z",
    feedback: { given: "2026-10-09T14:00:00Z", usefulness: 3 },
  },
  {
    id: "m2",
    building: MS,
    observer: P.kevin,
    observed: P.maria,
    focus: DACL,
    state: "reflected",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-12T15:00:00Z",
    observed_: "2026-10-12T15:00:00Z",
    feedback: { given: "2026-10-13T03:00:00Z", usefulness: 4 },
  },
  {
    id: "m3",
    building: MS,
    observer: P.maria,
    observed: P.kevin,
    focus: DACL,
    state: "missed",
    prompted: "2026-10-01T14:00:00Z",
    scheduled: "2026-10-20T15:00:00Z",
    closed: "2026-10-21T15:00:00Z",
  },
  {
    id: "m4",
    building: MS,
    observer: P.jamal,
    observed: P.rebecca,
    focus: META,
    state: "cancelled",
    prompted: "2026-10-05T14:00:00Z",
    scheduled: "2026-10-22T15:00:00Z",
    closed: "2026-10-19T15:00:00Z",
  },
  {
    id: "m5",
    building: MS,
    observer: P.claire,
    observed: P.noah,
    focus: META,
    state: "reflected",
    prompted: "2026-10-12T14:00:00Z",
    scheduled: "2026-10-26T15:00:00Z",
    observed_: "2026-10-26T15:00:00Z",
    feedback: { given: "2026-10-27T15:00:00Z", usefulness: 5 },
  },
  {
    id: "m6",
    building: MS,
    observer: P.rebecca,
    observed: P.jamal,
    focus: META,
    state: "scheduled",
    prompted: "2026-10-28T14:00:00Z",
    scheduled: "2026-11-03T15:00:00Z",
  },
  {
    id: "m7",
    building: MS,
    observer: P.noah,
    observed: P.claire,
    focus: META,
    state: "scheduled",
    prompted: "2026-10-19T14:00:00Z",
    scheduled: "2026-10-30T15:00:00Z",
  },
];

/** The free text in the records: none of it may reach a digest, a dashboard or an export. */
export function privateTexts(id: string) {
  return {
    note: `Room 12, bring the seating chart (${id})`,
    glow: `Your exit tickets were beautifully sequenced in lesson ${id}`,
    grow: `Try wait time after the hinge question in lesson ${id}`,
    nextStepNote: `We could co-plan the unit 4 launch (${id})`,
    reflection: `I will pause for ten seconds before taking answers (${id})`,
  };
}

export function cycleOf(s: Spec): Cycle {
  const last = s.feedback?.given ?? s.closed ?? s.observed_ ?? s.scheduled ?? s.prompted;
  return {
    id: s.id,
    groupId: `group-${s.id}`,
    districtId: "prairie-valley",
    buildingId: s.building,
    seq: 1,
    observerId: s.observer,
    observedId: s.observed,
    focus: s.focus,
    state: s.state,
    promptedAt: s.prompted,
    ...(s.scheduled ? { scheduledAt: s.scheduled, note: privateTexts(s.id).note } : {}),
    ...(s.observed_ ? { observedAt: s.observed_ } : {}),
    ...(s.feedback ? { feedbackAt: s.feedback.given } : {}),
    ...(s.closed ? { closedAt: s.closed } : {}),
    ...(s.state === "declined" ? { declineReason: "conflict" } : {}),
    reschedules: 0,
    nudges: 0,
    updatedAt: last,
    version: 1,
  };
}

export function feedbackOf(s: Spec): Feedback | null {
  if (!s.feedback || !s.observed_) return null;
  const t = privateTexts(s.id);
  return {
    cycleId: s.id,
    districtId: "prairie-valley",
    buildingId: s.building,
    coachId: s.observer,
    teacherId: s.observed,
    focus: s.focus,
    evidence: ["observation"],
    glow: t.glow,
    grow: t.grow,
    nextStep: "co-planning",
    nextStepNote: t.nextStepNote,
    observedAt: s.observed_,
    givenAt: s.feedback.given,
    ...(s.feedback.usefulness
      ? { usefulness: s.feedback.usefulness, reflection: t.reflection, reflectedAt: s.feedback.given }
      : {}),
  };
}

export const CONTACTS: Contact[] = [
  {
    id: "k1",
    districtId: "prairie-valley",
    loggedBy: "denise.whitfield@rpdc.example.org",
    date: "2026-09-10",
    mode: "verbal",
    setting: "on-site",
    topics: ["leadership"],
    nextStep: "Private plan for the principal meeting",
    loggedAt: "2026-09-10T20:00:00Z",
  },
  {
    id: "k2",
    districtId: "prairie-valley",
    loggedBy: "susan.harlan@prairievalley.example.org",
    date: "2026-10-08",
    mode: "written",
    setting: "virtual",
    topics: ["data-review"],
    loggedAt: "2026-10-08T20:00:00Z",
  },
];

export async function seedPrairieValley(store: Store): Promise<void> {
  const cycles = SPECS.map(cycleOf);
  await store.apply({
    districtId: "prairie-valley",
    cycles: cycles.map((cycle) => ({ cycle, expectedVersion: 0 })),
    feedback: SPECS.map(feedbackOf).filter((f): f is Feedback => f !== null),
    contacts: CONTACTS,
  });
}
