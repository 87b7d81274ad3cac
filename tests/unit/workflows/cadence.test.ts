import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSchoolDay, localDate, mayMessage } from "../../../src/domain/calendar.js";
import type { Roster } from "../../../src/domain/model.js";
import { loadDemoRoster } from "../../../src/roster/demo.js";
import { cadenceCommand, openCheckin, submitCheckin } from "../../../src/workflows/checkins.js";
import { seedCadenceSchedules } from "../../../src/workflows/cst-nudges.js";
import { messageOf, workflowHarness } from "./fixtures.js";

// The demo roster: Denise facilitates Prairie Valley (every 30 days from 2026-08-17, Slack and
// Teams) and Cedar Bluff (every 45 days from 2026-08-20, Slack only); Susan and Gary are their
// district administrators.
const DENISE = "denise.whitfield@rpdc.example.org";
const SUSAN = "susan.harlan@prairievalley.example.org";
const GARY = "gary.lindqvist@cedarbluff.example.org";
const EMILY = "emily.tran@prairievalley.example.org";

let roster: Roster;
let h: ReturnType<typeof workflowHarness>;

beforeAll(async () => {
  roster = await loadDemoRoster();
  h = workflowHarness(roster);
  await seedCadenceSchedules(h.deps, h.roster, new Date("2026-08-24T05:00:00Z"));
  // Six weeks of hourly ticks, a contact logged for Prairie Valley on Sept 25, then three more weeks.
  await h.runHourly("2026-08-24T05:00:00Z", "2026-09-25T15:00:00Z");
  const logged = await submitCheckin(
    h.deps,
    SUSAN,
    "",
    {
      district: "prairie-valley",
      date: "2026-09-24",
      mode: "verbal",
      setting: "on-site",
      topics: ["leadership"],
    },
    new Date("2026-09-25T15:00:00Z"),
  );
  expect(logged.reply.errors).toBeUndefined();
  await h.store.apply(logged.changes!);
  // A restart re-seeds: nothing already sent may go out again.
  await seedCadenceSchedules(h.deps, h.roster, new Date("2026-09-30T15:00:00Z"));
  await h.runHourly("2026-09-25T15:00:00Z", "2026-10-21T05:00:00Z");
}, 120_000);

afterAll(() => h.dispose());

const district = (id: string) => roster.districts.find((d) => d.id === id)!;

describe("CST cadence nudges", () => {
  it("sends due-soon, overdue and escalation once each, to the facilitator and the district admin", async () => {
    const keys = (await h.outbox("cst-nudge:cedar-bluff:")).map((e) => e.key);
    // Cedar Bluff is next due Sunday Oct 4 (Aug 20 + 45 days).
    expect(keys).toEqual([
      `cst-nudge:cedar-bluff:2026-10-04:due-soon:${DENISE}`,
      `cst-nudge:cedar-bluff:2026-10-04:due-soon:${GARY}`,
      `cst-nudge:cedar-bluff:2026-10-04:escalation:${DENISE}`,
      `cst-nudge:cedar-bluff:2026-10-04:escalation:${GARY}`,
      "cst-nudge:cedar-bluff:2026-10-04:escalation:leadership",
      `cst-nudge:cedar-bluff:2026-10-04:overdue:${DENISE}`,
      `cst-nudge:cedar-bluff:2026-10-04:overdue:${GARY}`,
    ]);
  });

  it("sends them on school days in working hours only", async () => {
    const entries = await h.outbox("cst-nudge:");
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const d = district(e.districtId);
      const at = new Date(e.notBeforeMs);
      expect(mayMessage(d, at), `${e.key} at ${at.toISOString()}`).toBe(true);
      expect(isSchoolDay(d, localDate(d, at))).toBe(true);
    }
    // Due Sunday Oct 4 and escalated Sunday Oct 11: both moved to the Monday's first working hour.
    const cb = await h.outbox("cst-nudge:cedar-bluff:");
    const day = (stage: string) =>
      new Set(
        cb
          .filter((e) => e.key.includes(`:${stage}:`))
          .map((e) => localDate(district("cedar-bluff"), new Date(e.notBeforeMs))),
      );
    expect([...day("due-soon")]).toEqual(["2026-09-29"]);
    expect([...day("overdue")]).toEqual(["2026-10-05"]);
    expect([...day("escalation")]).toEqual(["2026-10-12"]);
    const overdue = messageOf(cb.find((e) => e.key.includes(":overdue:"))!);
    expect(overdue.summary).toMatch(
      /^The CST contact with Cedar Bluff R-I was due Sun Oct 4\. Once it has happened/,
    );
  });

  it("escalates to the district leadership channel too, with a Log a contact button on every nudge", async () => {
    const lead = (await h.outbox("cst-nudge:")).filter((e) => e.key.endsWith(":leadership"));
    expect(lead.map((e) => [e.key, e.to])).toEqual([
      ["cst-nudge:cedar-bluff:2026-10-04:escalation:leadership", { channel: { slack: "C0CBDLT01" } }],
      [
        "cst-nudge:prairie-valley:2026-09-16:escalation:leadership",
        { channel: { slack: "C0PVDLT01", teams: "19:pv-district-leadership@thread.tacv2" } },
      ],
    ]);
    for (const e of await h.outbox("cst-nudge:")) {
      const actions = messageOf(e).blocks.flatMap((b) => (b.kind === "actions" ? b.actions : []));
      expect(actions).toEqual([
        expect.objectContaining({ id: "cst.log", label: "Log a contact", context: e.districtId }),
      ]);
    }
  });

  it("logging a contact resets the cadence: the next nudges count from the new contact", async () => {
    const keys = (await h.outbox("cst-nudge:prairie-valley:")).map((e) =>
      e.key.split(":").slice(2, 4).join(":"),
    );
    // Before the contact: the Sept 16 cycle, each stage to Denise and Susan (+ the leadership channel).
    expect(keys.filter((k) => k.startsWith("2026-09-16")).sort()).toEqual([
      "2026-09-16:due-soon",
      "2026-09-16:due-soon",
      "2026-09-16:escalation",
      "2026-09-16:escalation",
      "2026-09-16:escalation",
      "2026-09-16:overdue",
      "2026-09-16:overdue",
    ]);
    // After it (Sept 24 + 30 days = Oct 24): only due-soon has come round by Oct 20.
    expect(keys.filter((k) => !k.startsWith("2026-09-16"))).toEqual([
      "2026-10-24:due-soon",
      "2026-10-24:due-soon",
    ]);
    const soon = await h.outbox("cst-nudge:prairie-valley:2026-10-24:due-soon");
    expect(localDate(district("prairie-valley"), new Date(soon[0]!.notBeforeMs))).toBe("2026-10-19");
  });
});

describe("CST contact form", () => {
  const now = new Date("2026-10-20T15:00:00Z");

  it("offers the facilitator both districts and the district admin only theirs", async () => {
    const denise = await openCheckin(h.deps, DENISE, "cedar-bluff", now);
    const options = denise.reply.form!.fields.find((f) => f.name === "district")!.options;
    expect(options?.map((o) => o.value)).toEqual(["prairie-valley", "cedar-bluff"]);
    expect(denise.reply.form!.values).toMatchObject({ district: "cedar-bluff", date: "2026-10-20" });
    const susan = await openCheckin(h.deps, SUSAN, "", now);
    expect(susan.reply.form!.fields.find((f) => f.name === "district")!.options?.map((o) => o.value)).toEqual(
      ["prairie-valley"],
    );
  });

  it("refuses anyone else politely", async () => {
    const teacher = await openCheckin(h.deps, EMILY, "prairie-valley", now);
    expect(teacher.reply.form).toBeUndefined();
    expect(JSON.stringify(teacher.reply.messages)).toMatch(
      /district's administrators and its Coaching Support Team/,
    );
    const submitted = await submitCheckin(h.deps, EMILY, "", { district: "prairie-valley" }, now);
    expect(submitted.changes).toBeUndefined();
  });

  it("refuses a date in the future, a district not theirs, and missing fields, each with its own message", async () => {
    const values = {
      district: "prairie-valley",
      date: "2026-10-21",
      mode: "written",
      setting: "virtual",
      topics: ["other"],
    };
    const future = await submitCheckin(h.deps, SUSAN, "", values, now);
    expect(future.changes).toBeUndefined();
    expect(future.reply.errors?.date).toMatch(/hasn't happened yet.*today, Tuesday, October 20/);
    const elsewhere = await submitCheckin(
      h.deps,
      SUSAN,
      "",
      { ...values, date: "2026-10-19", district: "cedar-bluff" },
      now,
    );
    expect(elsewhere.reply.errors).toEqual({ district: "Pick one of the options." });
    const empty = await submitCheckin(h.deps, SUSAN, "", {}, now);
    expect(Object.keys(empty.reply.errors ?? {}).sort()).toEqual([
      "date",
      "district",
      "mode",
      "setting",
      "topics",
    ]);
  });
});

describe("facilitator's cadence ledger", () => {
  it("lists every district the facilitator serves, across workspaces", async () => {
    const reply = await cadenceCommand(h.deps, DENISE, new Date("2026-10-20T15:00:00Z"));
    const message = reply.reply.messages[0]!;
    const facts = message.blocks.flatMap((b) => (b.kind === "facts" ? b.facts : []));
    expect(facts.map((f) => f.label)).toEqual(["Prairie Valley R-IV", "Cedar Bluff R-I"]);
    expect(facts[0]!.value).toBe(
      "due soon: last contact Thu Sep 24 (26 days ago); next due Sat Oct 24 (every 30 days)",
    );
    expect(facts[1]!.value).toBe(
      "overdue for a week or more: no contact logged this year; was due Sun Oct 4 (every 45 days)",
    );
  });

  it("goes to the facilitator every Monday morning (the next school day after a Monday holiday)", async () => {
    const weekly = await h.outbox(`cst-ledger:${DENISE}:`);
    const pv = district("prairie-valley");
    const days = weekly.map((e) => localDate(pv, new Date(e.notBeforeMs)));
    // Labor Day (Sept 7) has no school in Prairie Valley, Denise's first district.
    expect(days).toEqual([
      "2026-08-24",
      "2026-08-31",
      "2026-09-08",
      "2026-09-14",
      "2026-09-21",
      "2026-09-28",
      "2026-10-05",
      "2026-10-12",
      "2026-10-19",
    ]);
    for (const e of weekly) expect(mayMessage(pv, new Date(e.notBeforeMs))).toBe(true);
    const names = messageOf(weekly.at(-1)!).blocks.flatMap((b) =>
      b.kind === "facts" ? b.facts.map((f) => f.label) : [],
    );
    expect(names).toEqual(["Prairie Valley R-IV", "Cedar Bluff R-I"]);
  });

  it("is refused to someone who follows no district", async () => {
    const reply = await cadenceCommand(h.deps, EMILY, new Date("2026-10-20T15:00:00Z"));
    expect(reply.reply.messages[0]!.blocks[0]).toMatchObject({ kind: "text", tone: "info" });
  });
});
