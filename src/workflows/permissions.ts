import type { Building, Cycle, District, Person, Role } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import { type Outcome, replyText } from "./deps.js";

// Who may take each step the bot accepts, as one table. The dispatcher reads it before routing
// (could this person ever take this step?) and the handlers read it where they load what the step
// acts on (does this person stand in that relation to this cycle, this district?). SECURITY.md
// shows the same table; tests/integration/permissions.test.ts walks every row.

/** How a person can stand to what a step acts on. */
export type Relation =
  | "anyone" // even someone outside the roster
  | "in-roster" // anyone in the roster, on their own cycles and settings
  | "cycle-partner" // the cycle's observer or its observed teacher
  | "cycle-observer"
  | "cycle-observed"
  | "district-facilitator" // a CST facilitator of the district (role and cst.facilitators)
  | "district-admin" // a district administrator of the district
  | "building-admin"; // a building administrator of the building

const ADMIN_ROLES: readonly Role[] = ["building-admin", "district-admin"];

export const REFUSALS = {
  "not-in-roster": "I don't have you in the coaching roster, so I can't do that. Type `help` to learn more.",
  "not-yours": "That button isn't for you, or it has expired. Type `status` to see what's waiting for you.",
  "feedback-private":
    "Coaching feedback stays between the coach and the teacher: administrators neither see it nor take part in it. The dashboard has the totals.",
  "cst-refused":
    "Logging CST contacts is for the district's administrators and its Coaching Support Team facilitators. If that should include you, ask your district's coaching lead to update the roster.",
} as const;
export type Refusal = keyof typeof REFUSALS;

export interface Permission {
  what: string;
  /** Any one of these relations to what the step acts on lets the person take it. */
  who: readonly Relation[];
  /** Refused to these roles even when a relation holds. */
  notFor?: { roles: readonly Role[]; refusal: Refusal };
  /** What someone without the relation is told; default "not-yours". */
  refusal?: Refusal;
}

// The kinds of row, so that each row reads as what it is.
const mine = (what: string): Permission => ({ what, who: ["in-roster"] });
const partner = (what: string): Permission => ({ what, who: ["cycle-partner"] });
/** Feedback is the pair's: an administrator never takes part, whatever the roster says. */
const feedback = (what: string, who: Relation): Permission => ({
  what,
  who: [who],
  notFor: { roles: ADMIN_ROLES, refusal: "feedback-private" },
});
const cst = (what: string): Permission => ({
  what,
  who: ["district-facilitator", "district-admin"],
  refusal: "cst-refused",
});
const view = (what: string, ...who: Relation[]): Permission => ({ what: `dashboard: ${what}`, who });

/** Every command ("command:<word>"), button ("action:<id>"), form ("form:<id>") and dashboard view ("view:<scope>"). */
export const PERMISSIONS = {
  "command:help": { what: "what the bot can do", who: ["anyone"] },
  "command:status": mine("your upcoming observations and what waits for you"),
  "command:schedule": mine("open the time picker of your next prompted cycle"),
  "command:feedback": feedback("open feedback waiting for you to write or reflect on", "in-roster"),
  "command:pause": mine("pause your own prompts and reminders"),
  "command:resume": mine("start your own prompts again"),
  "command:checkin": cst("open the CST contact form for the districts you may log for"),
  "command:cadence": cst("the CST cadence of the districts you may log for"),
  "command:dashboard": mine("a signed link to your broadest dashboard view"),
  "action:obs.pick-time": partner("open the time picker (pick or reschedule)"),
  "action:obs.decline": partner("open the 'not this cycle' form"),
  "action:obs.snooze": partner("snooze the prompt 2 school days"),
  "action:obs.happened": feedback(
    "confirm the observation happened; opens the feedback form",
    "cycle-observer",
  ),
  "action:obs.cancel": partner("cancel a prompted or scheduled observation"),
  "action:fb.open": feedback("open the feedback form", "cycle-observer"),
  "action:fb.reflect": feedback("open the reflection form", "cycle-observed"),
  "action:cst.log": cst("open the CST contact form for the district on the button"),
  "form:obs.schedule": partner("schedule or reschedule the observation"),
  "form:obs.decline": partner("skip this cycle, with a reason"),
  "form:fb.give": feedback("send feedback (text to the teacher only)", "cycle-observer"),
  "form:fb.reflect": feedback(
    "send a reflection (to the observer) and a rating (aggregates only)",
    "cycle-observed",
  ),
  "form:cst.checkin": cst("log a CST contact for the district chosen"),
  "view:self": view("your own cycles, counts and dates", "in-roster"),
  "view:facilitator": view("aggregates of every district you serve", "district-facilitator"),
  "view:district": view("a district's aggregates", "district-facilitator", "district-admin"),
  "view:building": view(
    "a building's aggregates",
    "building-admin",
    "district-facilitator",
    "district-admin",
  ),
} satisfies Record<string, Permission>;
export type Step = keyof typeof PERMISSIONS;

function isStep(key: string): key is Step {
  return Object.hasOwn(PERMISSIONS, key);
}

/** What a step acts on: nothing (the person's own things), a cycle, a district or a building. */
export type Target = { cycle: Cycle } | { district: District } | { district: District; building: Building };

/** The relations `person` (undefined: not in the roster) holds to `target`. */
function relationsOf(person: Person | undefined, target?: Target): Set<Relation> {
  const held = new Set<Relation>(["anyone"]);
  if (!person) return held;
  held.add("in-roster");
  if (target && "cycle" in target) {
    const { observerId, observedId } = target.cycle;
    if (person.id === observerId) held.add("cycle-partner").add("cycle-observer");
    if (person.id === observedId) held.add("cycle-partner").add("cycle-observed");
  }
  if (target && "district" in target) {
    const d = target.district;
    const has = (role: Role) => person.roles.includes(role);
    if (has("facilitator") && d.cst.facilitators.includes(person.id)) held.add("district-facilitator");
    if (has("district-admin") && person.districtId === d.id) held.add("district-admin");
    if ("building" in target && has("building-admin") && person.buildingId === target.building.id) {
      held.add("building-admin");
    }
  }
  return held;
}

function permission(step: Step): Permission {
  return PERMISSIONS[step];
}

/** May `person` take `step` on `target`? */
export function allows(step: Step, person: Person | undefined, target?: Target): boolean {
  const p = permission(step);
  if (person && p.notFor?.roles.some((r) => person.roles.includes(r))) return false;
  const held = relationsOf(person, target);
  return p.who.some((r) => held.has(r));
}

/** The districts where `person` may take `step` (district-level steps: CST contacts, dashboard views). */
export function districtsFor(roster: RosterIndex, personId: string, step: Step): District[] {
  const person = roster.person(personId);
  return roster.roster.districts.filter((district) => allows(step, person, { district }));
}

const TARGETLESS: readonly Relation[] = ["anyone", "in-roster"];
const CYCLE_RELATIONS: readonly Relation[] = ["cycle-partner", "cycle-observer", "cycle-observed"];

/**
 * The dispatcher's check, before routing: null when the person could take the step (the handler
 * then checks the relation to what it loads), else the refusal. Unknown steps are refused here, so
 * only what the table names ever reaches a handler.
 */
export function precheck(
  roster: RosterIndex,
  person: Person | undefined,
  key: string,
): Refusal | "unknown" | null {
  if (!isStep(key)) return person ? "unknown" : "not-in-roster";
  const p = permission(key);
  if (p.who.includes("anyone")) return null;
  if (!person) return "not-in-roster";
  if (p.notFor?.roles.some((r) => person.roles.includes(r))) return p.notFor.refusal;
  if (p.who.some((r) => TARGETLESS.includes(r) || CYCLE_RELATIONS.includes(r))) return null;
  // District and building steps: refused now unless the person holds the relation somewhere.
  const somewhere = roster.roster.districts.some(
    (district) =>
      allows(key, person, { district }) ||
      district.buildings.some((building) => allows(key, person, { district, building })),
  );
  return somewhere ? null : refusalOf(key);
}

function refusalOf(step: Step): Refusal {
  return permission(step).refusal ?? "not-yours";
}

export function refusal(kind: Refusal): Outcome {
  return replyText(kind, REFUSALS[kind], kind === "cst-refused" ? "info" : "warning");
}
