import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../../src/ui/model.js";
import { composeDigest, parseScope } from "../../../src/workflows/digest/compose.js";
import { messageText } from "../../../src/workflows/digest/render.js";
import { monthPeriod } from "../../../src/workflows/periods.js";
import { CONTACTS, cycleOf, feedbackOf, privateTexts, SPECS } from "./digest-seed.js";
import { type Harness, seededDemo } from "./fixtures.js";

// Prairie Valley's October 2026 digest, checked against numbers worked out here, by hand-written
// loops over the same seeded records (Chicago is UTC-5 all month).
const OCT = { from: "2026-10-01T05:00:00.000Z", to: "2026-11-01T05:00:00.000Z" };
const SEP = { from: "2026-09-01T05:00:00.000Z", to: "2026-10-01T05:00:00.000Z" };
const NOW = new Date("2026-11-02T15:00:00Z");

let h: Harness;

beforeAll(async () => {
  h = await seededDemo();
});
afterAll(() => h.dispose());

type Range = { from: string; to: string };
const inRange = (r: Range, iso: string | undefined) =>
  iso !== undefined &&
  new Date(iso).getTime() >= Date.parse(r.from) &&
  new Date(iso).getTime() < Date.parse(r.to);

/** The digest's numbers, straight from the seed. */
function expected(r: Range, building?: string) {
  const cycles = SPECS.map(cycleOf).filter((c) => !building || c.buildingId === building);
  const feedback = SPECS.map(feedbackOf).filter(
    (f) => f !== null && (!building || f.buildingId === building),
  );
  const completed = cycles.filter((c) => inRange(r, c.observedAt));
  const closed = (state: string) => cycles.filter((c) => c.state === state && inRange(r, c.closedAt)).length;
  const notDone = ["unscheduled", "declined", "missed", "cancelled"].flatMap((s) =>
    cycles.filter((c) => c.state === s && inRange(r, c.closedAt)),
  );
  const outcomePeople = new Set([...completed, ...notDone].flatMap((c) => [c.observerId, c.observedId])).size;
  const given = feedback.filter((f) => inRange(r, f!.givenAt));
  const hours = given
    .map((f) => (Date.parse(f!.givenAt) - Date.parse(f!.observedAt)) / 3_600_000)
    .sort((a, b) => a - b);
  const mid = Math.floor(hours.length / 2);
  const rated = given.filter((f) => f!.usefulness !== undefined);
  const focus: Record<string, number> = {};
  for (const c of completed) focus[c.focus] = (focus[c.focus] ?? 0) + 1;
  return {
    educatorsCoached: new Set(completed.map((c) => c.observedId)).size,
    coaches: new Set(completed.map((c) => c.observerId)).size,
    prompted: cycles.filter((c) => inRange(r, c.promptedAt)).length,
    scheduled: cycles.filter((c) => inRange(r, c.scheduledAt)).length,
    completed: completed.length,
    unscheduled: closed("unscheduled"),
    declined: closed("declined"),
    missed: closed("missed"),
    cancelled: closed("cancelled"),
    ratePct: Math.round((100 * completed.length) / (completed.length + notDone.length)),
    outcomePeople,
    feedbackGiven: given.length,
    feedbackPeople: new Set(given.flatMap((f) => [f!.coachId, f!.teacherId])).size,
    medianHours: hours.length % 2 ? hours[mid]! : (hours[mid - 1]! + hours[mid]!) / 2,
    usefulness: rated.reduce((s, f) => s + f!.usefulness!, 0) / rated.length,
    raters: new Set(rated.map((f) => f!.teacherId)).size,
    focus,
    contacts: CONTACTS.filter((k) => k.date >= r.from.slice(0, 10) && k.date < r.to.slice(0, 10)).length,
  };
}

const signed = (d: number, unit = "") => `${d > 0 ? "+" : d < 0 ? "−" : "±"}${Math.abs(d)}${unit}`;
const withChange = (now: number, before: number) => `${now} (${signed(now - before)})`;

function figures(message: Message): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of message.blocks) {
    if (b.kind === "facts") for (const f of b.facts) out[f.label] = f.value;
    if (b.kind === "bars") for (const r of b.rows) out[`${b.title} / ${r.label}`] = r.display;
  }
  return out;
}

async function digest(scope: string) {
  const s = parseScope(h.roster, scope)!;
  return (await composeDigest(h.deps, s, monthPeriod("2026-10"), NOW)).message;
}

describe("the monthly district digest", () => {
  it("matches the numbers computed from the raw records, each with its change since September", async () => {
    const oct = expected(OCT);
    const sep = expected(SEP);
    // The seed is large enough that nothing district-wide is hidden, except September's ratings (3 raters).
    for (const n of [
      oct.outcomePeople,
      oct.feedbackPeople,
      oct.raters,
      sep.outcomePeople,
      sep.feedbackPeople,
    ])
      expect(n).toBeGreaterThanOrEqual(5);
    expect(sep.raters).toBeLessThan(5);

    const f = figures(await digest("district:prairie-valley"));
    expect(f["Educators receiving coaching"]).toBe(withChange(oct.educatorsCoached, sep.educatorsCoached));
    expect(f["Coaches providing it"]).toBe(withChange(oct.coaches, sep.coaches));
    expect(f["Coaching cycles opened"]).toBe(withChange(oct.prompted, sep.prompted));
    expect(f["Observations / Observations scheduled"]).toBe(withChange(oct.scheduled, sep.scheduled));
    expect(f["Observations / Observations completed"]).toBe(withChange(oct.completed, sep.completed));
    expect(f["Observations / Not scheduled (no answer)"]).toBe(withChange(oct.unscheduled, sep.unscheduled));
    expect(f["Observations / Declined"]).toBe(withChange(oct.declined, sep.declined));
    expect(f["Observations / Missed"]).toBe(withChange(oct.missed, sep.missed));
    expect(f["Observations / Cancelled"]).toBe(withChange(oct.cancelled, sep.cancelled));
    expect(f["Completion rate"]).toBe(`${oct.ratePct}% (${signed(oct.ratePct - sep.ratePct, " pts")})`);
    expect(f["Feedback given"]).toBe(withChange(oct.feedbackGiven, sep.feedbackGiven));
    expect(f["Median hours from observation to feedback"]).toBe(
      `${oct.medianHours} h (${signed(oct.medianHours - sep.medianHours, " h")})`,
    );
    expect(f["Average usefulness rating"]).toBe(`${oct.usefulness.toFixed(1)} of 5 (n/a)`);
    for (const [practice, n] of Object.entries(oct.focus)) {
      expect(f[`Focus practices (observations completed) / ${practice}`]).toBe(
        withChange(n, sep.focus[practice] ?? 0),
      );
    }
    expect(f["CST contacts logged"]).toBe(withChange(oct.contacts, sep.contacts));
    expect(f["CST cadence"]).toBe("on track (last contact Thu Oct 8, next due Sat Nov 7; was on track)");

    // And the numbers themselves, so a shared mistake in the two computations would still show.
    expect(oct).toMatchObject({ completed: 8, educatorsCoached: 7, coaches: 5, scheduled: 11, ratePct: 67 });
    expect([oct.medianHours, oct.usefulness, oct.feedbackGiven]).toEqual([24, 4.2, 7]);
  });

  it("compares buildings by completion rate and says where it goes well and less well", async () => {
    const el = expected(OCT, "pv-elementary");
    const ms = expected(OCT, "pv-middle");
    const message = await digest("district:prairie-valley");
    const f = figures(message);
    // In September each building had fewer than 5 people in its cycles: no comparison for either.
    expect(expected(SEP, "pv-elementary").outcomePeople).toBeLessThan(5);
    expect(expected(SEP, "pv-middle").outcomePeople).toBeLessThan(5);
    expect(f["Completion rate by building / Prairie Valley Elementary"]).toBe(`${el.ratePct}% (n/a)`);
    expect(f["Completion rate by building / Prairie Valley Middle School"]).toBe(`${ms.ratePct}% (n/a)`);
    expect(messageText(message)).toContain(
      `Going well: Prairie Valley Elementary (${el.ratePct}% of cycles completed). Not going as well: Prairie Valley Middle School (${ms.ratePct}%).`,
    );
  });

  it("renders as text with compact bar charts", async () => {
    const text = messageText(await digest("district:prairie-valley"));
    expect(text).toMatch(/^Coaching digest: Prairie Valley R-IV, October 2026\./);
    expect(text).toMatch(/Observations completed\s+▇+·*\s+8 \(\+5\)/);
  });
});

describe("the building digest", () => {
  it("counts only the building, and hides its ratings (2 raters)", async () => {
    const el = expected(OCT, "pv-elementary");
    const sep = expected(SEP, "pv-elementary");
    const f = figures(await digest("building:pv-elementary"));
    expect(f["Observations / Observations completed"]).toBe(withChange(el.completed, sep.completed));
    expect(f["Educators receiving coaching"]).toBe(withChange(el.educatorsCoached, sep.educatorsCoached));
    expect(el.raters).toBeLessThan(5);
    expect(f["Average usefulness rating"]).toBe("fewer than 5");
    expect(f["Completion rate by building / Prairie Valley Elementary"]).toBeUndefined();
  });
});

describe("no names, no text", () => {
  it("holds no feedback text, note or teacher name anywhere in the digests, as JSON or as text", async () => {
    const rendered = [];
    for (const scope of ["district:prairie-valley", "building:pv-elementary", "building:pv-middle"]) {
      const m = await digest(scope);
      rendered.push(JSON.stringify(m), messageText(m));
    }
    const all = rendered.join("\n");
    const secrets = SPECS.flatMap((s) => Object.values(privateTexts(s.id)));
    secrets.push(...CONTACTS.flatMap((c) => (c.nextStep ? [c.nextStep] : [])));
    for (const secret of secrets) expect(all).not.toContain(secret);
    for (const p of h.roster.roster.people) {
      expect(all).not.toContain(p.name);
      expect(all).not.toContain(p.id);
      expect(all).not.toMatch(new RegExp(`\\b${p.name.split(" ")[0]}\\b`));
    }
  });
});
