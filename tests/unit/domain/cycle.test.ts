import { describe, expect, it } from "vitest";
import {
  CYCLE_TRANSITIONS,
  type CycleEvent,
  type CycleEventType,
  canTransition,
  isOpen,
  transition,
} from "../../../src/domain/cycle.js";
import { CYCLE_STATES, type Cycle, type CycleState } from "../../../src/domain/model.js";
import { isCoachbotError } from "../../../src/errors.js";

const T0 = "2026-09-01T14:00:00.000Z";
const AT = new Date("2026-09-02T15:00:00.000Z");
const WHEN = new Date("2026-09-08T14:30:00.000Z");

function cycle(state: CycleState, extra: Partial<Cycle> = {}): Cycle {
  return {
    id: "c1",
    groupId: "g1",
    districtId: "d1",
    seq: 1,
    observerId: "a@example.org",
    observedId: "b@example.org",
    focus: "Feedback",
    state,
    promptedAt: T0,
    reschedules: 0,
    nudges: 0,
    updatedAt: T0,
    version: 3,
    ...extra,
  };
}

const EVENTS: Record<CycleEventType, CycleEvent> = {
  schedule: { type: "schedule", at: WHEN },
  reschedule: { type: "reschedule", at: WHEN },
  decline: { type: "decline", reason: "Testing week" },
  nudge: { type: "nudge" },
  expire: { type: "expire" },
  confirm: { type: "confirm", observedAt: WHEN },
  miss: { type: "miss" },
  cancel: { type: "cancel" },
  giveFeedback: { type: "giveFeedback", at: WHEN },
  reflect: { type: "reflect", at: WHEN },
};

// Written out independently of the table in the source, so a wrong table entry fails here.
const LEGAL: Record<string, CycleState> = {
  "prompted schedule": "scheduled",
  "scheduled reschedule": "scheduled",
  "prompted decline": "declined",
  "prompted nudge": "prompted",
  "scheduled nudge": "scheduled",
  "prompted expire": "unscheduled",
  "scheduled confirm": "observed",
  "scheduled miss": "missed",
  "prompted cancel": "cancelled",
  "scheduled cancel": "cancelled",
  "observed giveFeedback": "feedback-given",
  "feedback-given reflect": "reflected",
};

describe("every (state, event) pair", () => {
  const pairs = CYCLE_STATES.flatMap((state) =>
    (Object.keys(EVENTS) as CycleEventType[]).map((type) => [state, type] as const),
  );

  it("covers all 9 states x 10 events", () => {
    expect(pairs).toHaveLength(90);
    expect(Object.keys(CYCLE_TRANSITIONS).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it.each(pairs)("%s + %s", (state, type) => {
    const expected = LEGAL[`${state} ${type}`];
    expect(canTransition(state, type)).toBe(expected !== undefined);
    expect(CYCLE_TRANSITIONS[type][state]).toBe(expected);
    if (expected) {
      expect(transition(cycle(state), EVENTS[type], AT).state).toBe(expected);
    } else {
      let error: unknown;
      try {
        transition(cycle(state), EVENTS[type], AT);
      } catch (e) {
        error = e;
      }
      expect(isCoachbotError(error, "CYCLE_ILLEGAL_MOVE")).toBe(true);
      expect((error as Error).message).toBe(`cycle c1: can't ${type} a cycle that is ${state}`);
    }
  });
});

describe("transition", () => {
  it("returns a new cycle and leaves the old one alone", () => {
    const before = cycle("prompted");
    const copy = structuredClone(before);
    const after = transition(before, EVENTS.schedule, AT);
    expect(after).not.toBe(before);
    expect(before).toEqual(copy);
  });

  it("schedule records the time, a cleaned note and updatedAt, and keeps the version", () => {
    const after = transition(
      cycle("prompted"),
      { type: "schedule", at: WHEN, note: "  Room  12 \r\n 2nd hour " },
      AT,
    );
    expect(after).toMatchObject({
      state: "scheduled",
      scheduledAt: WHEN.toISOString(),
      note: "Room 12\n2nd hour",
      updatedAt: AT.toISOString(),
      version: 3,
    });
    expect(after.closedAt).toBeUndefined();
  });

  it("schedule refuses a note over the limit", () => {
    expect(() =>
      transition(cycle("prompted"), { type: "schedule", at: WHEN, note: "x".repeat(501) }, AT),
    ).toThrow(/note is longer than 500/);
  });

  it("reschedule moves the time and counts", () => {
    const once = transition(cycle("scheduled", { scheduledAt: T0 }), EVENTS.reschedule, AT);
    const twice = transition(once, { type: "reschedule", at: new Date("2026-09-09T14:30:00Z") }, AT);
    expect(once.scheduledAt).toBe(WHEN.toISOString());
    expect(twice).toMatchObject({ reschedules: 2, scheduledAt: "2026-09-09T14:30:00.000Z" });
  });

  it("nudge counts without changing state", () => {
    expect(transition(cycle("prompted", { nudges: 1 }), EVENTS.nudge, AT)).toMatchObject({
      state: "prompted",
      nudges: 2,
    });
    expect(transition(cycle("scheduled"), EVENTS.nudge, AT).nudges).toBe(1);
  });

  it("decline keeps the cleaned reason and closes the cycle", () => {
    const after = transition(cycle("prompted"), { type: "decline", reason: "  State   testing " }, AT);
    expect(after).toMatchObject({
      state: "declined",
      declineReason: "State testing",
      closedAt: AT.toISOString(),
    });
  });

  it("decline needs a reason that is not blank and not too long", () => {
    const blank = () => transition(cycle("prompted"), { type: "decline", reason: " \n\t " }, AT);
    expect(blank).toThrow("cycle c1: can't decline without a reason");
    const long = () => transition(cycle("prompted"), { type: "decline", reason: "x".repeat(301) }, AT);
    expect(long).toThrow(/reason is longer than 300/);
  });

  it("walks the happy path, stamping each step and closing at reflected", () => {
    const t = (iso: string) => new Date(iso);
    let c = transition(cycle("prompted"), EVENTS.schedule, t("2026-09-02T15:00:00Z"));
    c = transition(c, { type: "confirm", observedAt: t("2026-09-08T14:30:00Z") }, t("2026-09-08T15:30:00Z"));
    expect(c).toMatchObject({ state: "observed", observedAt: "2026-09-08T14:30:00.000Z" });
    c = transition(c, { type: "giveFeedback", at: t("2026-09-09T13:00:00Z") }, t("2026-09-09T13:00:01Z"));
    expect(c).toMatchObject({ state: "feedback-given", feedbackAt: "2026-09-09T13:00:00.000Z" });
    expect(c.closedAt).toBeUndefined();
    c = transition(c, { type: "reflect", at: t("2026-09-10T20:00:00Z") }, t("2026-09-10T20:00:01Z"));
    expect(c).toMatchObject({
      state: "reflected",
      reflectedAt: "2026-09-10T20:00:00.000Z",
      closedAt: "2026-09-10T20:00:01.000Z",
      updatedAt: "2026-09-10T20:00:01.000Z",
    });
  });

  it.each(["expire", "miss", "cancel"] as const)("%s closes the cycle", (type) => {
    const from = type === "expire" ? "prompted" : "scheduled";
    expect(transition(cycle(from), EVENTS[type], AT).closedAt).toBe(AT.toISOString());
  });
});

describe("isOpen", () => {
  it("is false exactly for the terminal states", () => {
    expect(CYCLE_STATES.filter((s) => !isOpen(s))).toEqual([
      "reflected",
      "declined",
      "unscheduled",
      "missed",
      "cancelled",
    ]);
  });
});
