import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { LinkSigner } from "../../src/links.js";
import { DASHBOARD_PATH } from "../../src/workflows/dashboard.js";
import { MODULES } from "../../src/workflows/modules.js";
import { PERMISSIONS, REFUSALS, type Step } from "../../src/workflows/permissions.js";
import { type LocalService, linkOf, startLocalService, textOf } from "../helpers/local-service.js";

// Every row of the permission table, through the real service's local chat API: one allowed
// actor succeeds, and every other role or relationship, someone outside the roster and tampered
// contexts are refused with nothing written (the store compared before and after, bar the local
// chat's own transcript). The demo roster, plus a second facilitator who serves Cedar Bluff only.

const ROOT = join(import.meta.dirname, "../..");
const PV = "prairie-valley";
const CB = "cedar-bluff";
const EMILY = "emily.tran@prairievalley.example.org"; // teacher, observes Jacob in C1
const JACOB = "jacob.whitehorse@prairievalley.example.org"; // teacher, observed in C1
const MARIA = "maria.esposito@prairievalley.example.org"; // observed by Kevin in K1
const SOFIA = "sofia.delgado@prairievalley.example.org"; // teacher in no coaching group
const LAUREN = "lauren.okafor@prairievalley.example.org"; // coach, observes grade 4
const MARCUS = "marcus.bell@prairievalley.example.org"; // building admin, PV elementary
const SUSAN = "susan.harlan@prairievalley.example.org"; // district admin, PV
const GARY = "gary.lindqvist@cedarbluff.example.org"; // district and building admin, CB
const ETHAN = "ethan.marsh@cedarbluff.example.org"; // observes Yolanda in Y1
const YOLANDA = "yolanda.pierce@cedarbluff.example.org";
const DENISE = "denise.whitfield@rpdc.example.org"; // facilitator of both districts
const RITA = "rita.cho@rpdc.example.org"; // facilitator of Cedar Bluff only
const STRANGER = "stranger@example.org";

const C1 = `${PV}/pv-grade3-peers-c1`;
const K1 = `${PV}/pv-grade7-peers-c1`;
const Y1 = `${CB}/cb-science-peers-c1`;
/** Contexts an allowed actor could forge: another cycle, garbage, a district that isn't theirs. */
const TAMPERED = [
  K1,
  Y1,
  "garbage",
  "../../etc/passwd",
  `${CB}/pv-grade3-peers-c1`,
  `${PV}/pv-grade3-peers-c9`,
  "",
];
const OUTSIDERS = [STRANGER, SOFIA, LAUREN, MARCUS, SUSAN, GARY, DENISE, RITA];
const ADMINS = [MARCUS, SUSAN, GARY];

const FEEDBACK = {
  focus: "Feedback",
  evidence: ["observation"],
  glow: "Your exit tickets showed every student's thinking in two minutes.",
  grow: "Give the back table three seconds of wait time before taking answers.",
  nextStep: "modeling",
};
const REFLECTION = { reflection: "I will add wait time and name sticks tomorrow.", usefulness: 4 };
const CONTACT = { date: "2026-09-14", mode: "verbal", setting: "on-site", topics: ["dci-practices"] };

/** What the dispatcher answers for a step the table does not name. */
const UNKNOWN = ["unknown-step", "unknown-command"];

let svc: LocalService;
let dir: string;

type Reply = { status: number; body: Record<string, unknown> };
interface Try {
  as: string;
  context?: string;
  values?: Record<string, unknown>;
  /** Commands: the words typed (default: the command word). */
  text?: string;
}

function attempt(step: Step, t: Try): Promise<Reply> {
  const [kind, id] = step.split(":") as [string, string];
  if (kind === "command") return svc.command(t.as, t.text ?? id);
  if (kind === "action") return svc.action(t.as, id, t.context ?? "");
  return svc.submit(t.as, id, t.context ?? "", t.values ?? {});
}

/** The refusal a reply carries ("field:<name>" for a form field refused), or null. */
function refusalIn(r: Reply): string | null {
  const errors = r.body.errors as Record<string, string> | undefined;
  if (r.status === 422 && errors)
    return Object.keys(errors)
      .map((f) => `field:${f}`)
      .join(",");
  const reply = r.body.reply as { messages: { key: string }[]; form?: unknown } | undefined;
  const first = reply?.messages[0];
  if (!first || reply?.form) return null;
  if (
    first.key === "help" &&
    /don't have you in your district's coaching roster/.test(textOf(first as never))
  ) {
    return "not-in-roster";
  }
  return Object.hasOwn(REFUSALS, first.key) || UNKNOWN.includes(first.key) ? first.key : null;
}

/** Everything a step could write, but the local chat's transcript (it records what anyone typed). */
async function storeState(): Promise<string> {
  const s = svc.store;
  const [from, to] = ["1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z"];
  const parts: unknown[] = [await s.getRoster(), await s.peekDue(Date.parse(to), 100_000)];
  for (const d of [PV, CB]) {
    parts.push(
      await s.cyclesInDistrict(d, from, to),
      await s.feedbackFacts(d, from, to),
      await s.contactsForDistrict(d),
    );
  }
  parts.push(await s.feedbackFor(PV, "pv-grade3-peers-c1", EMILY));
  for (const state of ["pending", "sent", "dead"] as const) parts.push(await s.listOutbox(state, 100_000));
  for (const ns of await s.docNamespaces())
    if (!ns.startsWith("local-inbox")) parts.push(ns, await s.listDocs(ns));
  return JSON.stringify(parts);
}

/** Each try is refused (with `expected`, when given) and nothing is written. */
async function expectRefused(step: Step, tries: Try[], expected?: string) {
  const before = await storeState();
  for (const t of tries) {
    const r = await attempt(step, t);
    const refused = refusalIn(r);
    expect(
      refused,
      `${step} by ${t.as} on "${t.context ?? ""}" was not refused: ${JSON.stringify(r.body).slice(0, 300)}`,
    ).not.toBeNull();
    if (expected) expect(refused, `${step} by ${t.as}`).toBe(expected);
  }
  expect(await storeState(), `${step}: a refusal wrote something`).toBe(before);
}

async function expectAllowed(step: Step, t: Try): Promise<Reply> {
  const r = await attempt(step, t);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  expect(refusalIn(r), `${step} by ${t.as}`).toBeNull();
  return r;
}

const who = (people: string[], over: Omit<Try, "as"> = {}): Try[] => people.map((as) => ({ as, ...over }));
const tampered = (as: string, over: Omit<Try, "as" | "context"> = {}): Try[] =>
  TAMPERED.map((context) => ({ as, context, ...over }));
const formOf = (r: Reply) => (r.body.reply as { form?: { id: string } }).form?.id;

/**
 * A feedback step on C1: administrators are told feedback is private; the partner on the other
 * side, everyone else and tampered contexts get "not yours".
 */
async function expectFeedbackRefused(
  step: Step,
  allowed: string,
  otherSide: string,
  over: Omit<Try, "as" | "context"> = {},
) {
  await expectRefused(step, who(ADMINS, { context: C1, ...over }), "feedback-private");
  const others = [STRANGER, otherSide, SOFIA, LAUREN, DENISE, RITA];
  await expectRefused(step, [...who(others, { context: C1, ...over }), ...tampered(allowed, over)]);
}

/** A dashboard request with a link signed by the service's own key: what a leaked or forged scope would be. */
async function dashboard(person: string, scope: string) {
  const secret = (await svc.store.getDoc<{ value: string }>("secrets", "links"))!.value;
  const link = new URL(
    new LinkSigner(secret, svc.base).sign(
      DASHBOARD_PATH,
      { person, scope },
      Date.parse("2026-09-16T16:30:00Z"),
    ),
  );
  const res = await fetch(`${svc.base}${DASHBOARD_PATH}/data.json${link.search}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coachbot-permissions-"));
  const roster = parse(readFileSync(join(ROOT, "src/roster/demo-roster.yaml"), "utf8"));
  roster.people.push({ email: RITA, name: "Rita Cho", roles: ["facilitator"] });
  roster.districts.find((d: { id: string }) => d.id === CB).cst.facilitators.push(RITA);
  writeFileSync(join(dir, "roster.yaml"), stringify(roster));
  svc = await startLocalService("2026-09-13T23:00:00Z", { ROSTER_FILE: join(dir, "roster.yaml") });
  await svc.travel("2026-09-14T15:00:00Z"); // Monday 10:00 in both districts: every group prompted
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the permission table", () => {
  it("names exactly the commands, buttons and forms the modules register (and help)", () => {
    const registered = MODULES.flatMap((m) => [
      ...Object.keys(m.commands ?? {}).map((k) => `command:${k}`),
      ...Object.keys(m.actions ?? {}).map((k) => `action:${k}`),
      ...Object.keys(m.submits ?? {}).map((k) => `form:${k}`),
    ]);
    const table = Object.keys(PERMISSIONS).filter((k) => !k.startsWith("view:"));
    expect([...registered, "command:help"].sort()).toEqual(table.sort());
  });

  it("is the table SECURITY.md shows, row for row", () => {
    const doc = readFileSync(join(ROOT, "SECURITY.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `((?:command|action|form|view):[\w.-]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });
});

describe("every row through the local chat", () => {
  it("command:help: anyone, even outside the roster; outsiders learn why nothing else works", async () => {
    const before = await storeState();
    const stranger = await attempt("command:help", { as: STRANGER });
    const [told] = (stranger.body.reply as { messages: { key: string }[] }).messages;
    expect(told?.key).toBe("help");
    expect(textOf(told as never)).toMatch(/don't have you in your district's coaching roster/);
    const emily = await expectAllowed("command:help", { as: EMILY });
    expect(textOf((emily.body.reply as { messages: never[] }).messages[0])).toMatch(/Commands:/);
    expect(await storeState()).toBe(before);
  });

  it("outside the roster, every other command, button and form is refused", async () => {
    const steps = Object.keys(PERMISSIONS).filter(
      (k) => !k.startsWith("view:") && k !== "command:help",
    ) as Step[];
    for (const step of steps) {
      await expectRefused(step, [{ as: STRANGER, context: C1, values: FEEDBACK }], "not-in-roster");
    }
  });

  it("unknown steps are refused before any handler, prototype names included", async () => {
    for (const as of [EMILY, STRANGER]) {
      await expectRefused("action:constructor" as Step, [{ as, context: C1 }]);
      await expectRefused("form:__proto__" as Step, [{ as, context: C1 }]);
      await expectRefused("action:toString" as Step, [{ as, context: C1 }]);
    }
    const word = await svc.command(EMILY, "constructor");
    expect((word.body.reply as { messages: { key: string }[] }).messages[0]?.key).toBe("unknown-command");
  });

  it("action:obs.pick-time: a partner of the cycle", async () => {
    await expectRefused("action:obs.pick-time", [...who(OUTSIDERS, { context: C1 }), ...tampered(EMILY)]);
    expect(formOf(await expectAllowed("action:obs.pick-time", { as: EMILY, context: C1 }))).toBe(
      "obs.schedule",
    );
  });

  it("action:obs.snooze: a partner of the cycle", async () => {
    await expectRefused("action:obs.snooze", [...who(OUTSIDERS, { context: C1 }), ...tampered(JACOB)]);
    const before = await svc.store.getDue(PV, "snooze:pv-grade3-peers-c1:" + JACOB);
    expect(before).toBeNull();
    await expectAllowed("action:obs.snooze", { as: JACOB, context: C1 });
    expect(await svc.store.getDue(PV, "snooze:pv-grade3-peers-c1:" + JACOB)).not.toBeNull();
  });

  it("action:obs.decline: a partner of the cycle", async () => {
    await expectRefused(
      "action:obs.decline",
      [...who([...OUTSIDERS, EMILY], { context: K1 }), ...tampered(MARIA)].filter(
        (t) => t.context !== K1 || t.as !== MARIA,
      ),
    );
    expect(formOf(await expectAllowed("action:obs.decline", { as: MARIA, context: K1 }))).toBe("obs.decline");
  });

  it("form:obs.decline: a partner of the cycle", async () => {
    const values = { reason: "testing" };
    const tries = [
      ...who([...OUTSIDERS, EMILY, JACOB], { context: K1, values }),
      ...tampered(MARIA, { values }),
    ];
    await expectRefused(
      "form:obs.decline",
      tries.filter((t) => t.context !== K1 || t.as !== MARIA),
    );
    await expectAllowed("form:obs.decline", { as: MARIA, context: K1, values });
    expect((await svc.store.getCycle(PV, "pv-grade7-peers-c1"))?.state).toBe("declined");
  });

  it("form:obs.schedule: a partner of the cycle", async () => {
    const values = { date: "2026-09-16", time: "09:30" };
    await expectRefused("form:obs.schedule", [
      ...who(OUTSIDERS, { context: C1, values }),
      ...tampered(EMILY, { values }),
    ]);
    await expectAllowed("form:obs.schedule", { as: EMILY, context: C1, values });
    expect((await svc.store.getCycle(PV, "pv-grade3-peers-c1"))?.state).toBe("scheduled");
  });

  it("command:schedule and command:status: anyone in the roster, on their own cycles", async () => {
    expect(formOf(await expectAllowed("command:schedule", { as: LAUREN }))).toBe("obs.schedule");
    const nothing = await expectAllowed("command:schedule", { as: SUSAN });
    expect(textOf((nothing.body.reply as { messages: never[] }).messages[0])).toMatch(
      /no observation waiting/,
    );
    const status = await expectAllowed("command:status", { as: EMILY });
    expect(JSON.stringify(status.body)).toContain("You observe Jacob Whitehorse");
    const admin = await expectAllowed("command:status", { as: SUSAN });
    expect(JSON.stringify(admin.body)).not.toContain("Jacob");
    await expectRefused("command:schedule", [{ as: STRANGER }], "not-in-roster");
    await expectRefused("command:status", [{ as: STRANGER }], "not-in-roster");
  });

  it("action:obs.cancel: a partner of the cycle", async () => {
    const schedule = await svc.submit(ETHAN, "obs.schedule", Y1, { date: "2026-09-16", time: "10:00" });
    expect(schedule.status).toBe(200);
    const outsiders = [STRANGER, EMILY, SOFIA, MARCUS, SUSAN, GARY, DENISE, RITA];
    await expectRefused("action:obs.cancel", [
      ...who(outsiders, { context: Y1 }),
      ...tampered(YOLANDA).filter((t) => t.context !== Y1),
    ]);
    await expectAllowed("action:obs.cancel", { as: YOLANDA, context: Y1 });
    expect((await svc.store.getCycle(CB, "cb-science-peers-c1"))?.state).toBe("cancelled");
  });

  it("action:obs.happened: the cycle's observer, never an administrator", async () => {
    await svc.travel("2026-09-16T15:31:00Z"); // an hour after Wednesday 09:30: "did it happen?"
    await expectFeedbackRefused("action:obs.happened", EMILY, JACOB);
    expect(formOf(await expectAllowed("action:obs.happened", { as: EMILY, context: C1 }))).toBe("fb.give");
  });

  it("action:fb.open: the cycle's observer; an administrator never opens feedback", async () => {
    await expectFeedbackRefused("action:fb.open", EMILY, JACOB);
    expect(formOf(await expectAllowed("action:fb.open", { as: EMILY, context: C1 }))).toBe("fb.give");
  });

  it("form:fb.give: the cycle's observer; an administrator never writes feedback", async () => {
    const values = FEEDBACK;
    await expectFeedbackRefused("form:fb.give", EMILY, JACOB, { values });
    await expectAllowed("form:fb.give", { as: EMILY, context: C1, values });
    expect((await svc.store.getCycle(PV, "pv-grade3-peers-c1"))?.state).toBe("feedback-given");
  });

  it("command:feedback: anyone in the roster on their own feedback, never an administrator", async () => {
    await expectRefused("command:feedback", who(ADMINS), "feedback-private");
    await expectRefused("command:feedback", [{ as: STRANGER }], "not-in-roster");
    expect(formOf(await expectAllowed("command:feedback", { as: JACOB }))).toBe("fb.reflect");
    const none = await expectAllowed("command:feedback", { as: SOFIA });
    expect(textOf((none.body.reply as { messages: never[] }).messages[0])).toMatch(/no feedback waiting/);
  });

  it("action:fb.reflect: the cycle's observed teacher; an administrator never opens someone's feedback", async () => {
    await expectFeedbackRefused("action:fb.reflect", JACOB, EMILY);
    expect(formOf(await expectAllowed("action:fb.reflect", { as: JACOB, context: C1 }))).toBe("fb.reflect");
  });

  it("form:fb.reflect: the cycle's observed teacher; an administrator never reflects or rates", async () => {
    const values = REFLECTION;
    await expectFeedbackRefused("form:fb.reflect", JACOB, EMILY, { values });
    await expectAllowed("form:fb.reflect", { as: JACOB, context: C1, values });
    expect((await svc.store.getCycle(PV, "pv-grade3-peers-c1"))?.state).toBe("reflected");
    // The administrator's own view of the bot shows none of it.
    expect(JSON.stringify(await svc.conversation(SUSAN))).not.toContain(FEEDBACK.glow);
    expect(JSON.stringify(await svc.conversation(MARCUS))).not.toContain(REFLECTION.reflection);
  });

  it("command:checkin: a facilitator or a district administrator of some district", async () => {
    await expectRefused("command:checkin", who([EMILY, LAUREN, MARCUS, SOFIA]), "cst-refused");
    await expectRefused("command:checkin", [{ as: STRANGER }], "not-in-roster");
    expect(formOf(await expectAllowed("command:checkin", { as: SUSAN }))).toBe("cst.checkin");
    expect(formOf(await expectAllowed("command:checkin", { as: RITA }))).toBe("cst.checkin");
  });

  it("command:cadence: a facilitator or a district administrator, on their districts only", async () => {
    await expectRefused("command:cadence", who([EMILY, LAUREN, MARCUS]), "cst-refused");
    await expectRefused("command:cadence", [{ as: STRANGER }], "not-in-roster");
    const rita = JSON.stringify((await expectAllowed("command:cadence", { as: RITA })).body);
    expect(rita).toContain("Cedar Bluff R-I");
    expect(rita).not.toContain("Prairie Valley");
    expect(JSON.stringify((await expectAllowed("command:cadence", { as: DENISE })).body)).toContain(
      "Prairie Valley R-IV",
    );
  });

  it("action:cst.log: a facilitator or district administrator of the district on the button", async () => {
    const refused = [
      ...who([RITA, GARY, EMILY, MARCUS], { context: PV }),
      ...["garbage", CB, "../prairie-valley"].map((context) => ({ as: SUSAN, context })),
    ];
    await expectRefused("action:cst.log", refused, "cst-refused");
    await expectRefused("action:cst.log", [{ as: STRANGER, context: PV }], "not-in-roster");
    const form = await expectAllowed("action:cst.log", { as: SUSAN, context: PV });
    expect((form.body.reply as { form: { values: unknown } }).form.values).toMatchObject({ district: PV });
  });

  it("form:cst.checkin: a facilitator logging for a district they don't serve is refused", async () => {
    await expectRefused(
      "form:cst.checkin",
      who([RITA, GARY], { values: { ...CONTACT, district: PV } }),
      "field:district",
    );
    await expectRefused(
      "form:cst.checkin",
      [{ as: SUSAN, values: { ...CONTACT, district: CB } }],
      "field:district",
    );
    await expectRefused(
      "form:cst.checkin",
      who([EMILY, MARCUS, LAUREN], { values: { ...CONTACT, district: PV } }),
      "cst-refused",
    );
    await expectRefused(
      "form:cst.checkin",
      [{ as: STRANGER, values: { ...CONTACT, district: PV } }],
      "not-in-roster",
    );
    await expectAllowed("form:cst.checkin", { as: RITA, values: { ...CONTACT, district: CB } });
    expect(await svc.store.contactsForDistrict(CB)).toMatchObject([{ loggedBy: RITA, date: "2026-09-14" }]);
    expect(await svc.store.contactsForDistrict(PV)).toEqual([]);
  });

  it("command:pause and command:resume: anyone in the roster, on their own prompts", async () => {
    await expectRefused("command:pause", [{ as: STRANGER, text: "pause until 2026-12-01" }], "not-in-roster");
    await expectAllowed("command:pause", { as: SOFIA, text: "pause until 2026-12-01" });
    expect(await svc.store.getDoc("person-state", SOFIA)).toEqual({ pausedUntil: "2026-11-30" });
    await expectRefused("command:resume", [{ as: STRANGER }], "not-in-roster");
    await expectAllowed("command:resume", { as: SOFIA });
    expect(await svc.store.getDoc("person-state", SOFIA)).toBeNull();
  });

  it("command:dashboard and view:self: anyone in the roster gets a link to their own broadest view", async () => {
    await expectRefused("command:dashboard", [{ as: STRANGER }], "not-in-roster");
    const reply = await expectAllowed("command:dashboard", { as: EMILY });
    const link = new URL(linkOf((reply.body.reply as { messages: never[] }).messages[0])!);
    expect(link.searchParams.get("scope")).toBe("self");
    const own = await fetch(`${svc.base}${DASHBOARD_PATH}/data.json${link.search}`);
    expect(((await own.json()) as { view: string }).view).toBe("self");
    // A teacher asking for the district view: the scope edited in the link, or signed by someone else.
    link.searchParams.set("scope", `district:${PV}`);
    expect((await fetch(`${svc.base}${DASHBOARD_PATH}/data.json${link.search}`)).status).toBe(403);
    expect((await dashboard(EMILY, `district:${PV}`)).status).toBe(403);
    expect((await dashboard(EMILY, "building:pv-elementary")).status).toBe(403);
    expect((await dashboard(EMILY, "facilitator")).status).toBe(403);
    expect((await dashboard(STRANGER, "self")).status).toBe(403);
  });

  it("view:facilitator: a facilitator sees only the districts they serve", async () => {
    const rita = await dashboard(RITA, "facilitator");
    expect(rita.status).toBe(200);
    expect((rita.body.districts as { id: string }[]).map((d) => d.id)).toEqual([CB]);
    const denise = await dashboard(DENISE, "facilitator");
    expect((denise.body.districts as { id: string }[]).map((d) => d.id)).toEqual([PV, CB]);
    for (const [person, scope] of [
      [SUSAN, "facilitator"],
      [MARCUS, "facilitator"],
    ] as const) {
      expect((await dashboard(person, scope)).status).toBe(403);
    }
  });

  it("view:district: a facilitator or district administrator of that district", async () => {
    expect((await dashboard(SUSAN, `district:${PV}`)).status).toBe(200);
    expect((await dashboard(DENISE, `district:${CB}`)).status).toBe(200);
    for (const [person, scope] of [
      [RITA, `district:${PV}`],
      [SUSAN, `district:${CB}`],
      [GARY, `district:${PV}`],
      [MARCUS, `district:${PV}`],
      [LAUREN, `district:${PV}`],
      [SUSAN, "district:nowhere"],
    ] as const) {
      expect((await dashboard(person, scope)).status, `${person} ${scope}`).toBe(403);
    }
  });

  it("view:building: its building administrator, or a facilitator or district administrator of its district", async () => {
    const marcus = await dashboard(MARCUS, "building:pv-elementary");
    expect(marcus.status).toBe(200);
    expect(marcus.body.fixedBuilding).toBe(true);
    expect((await dashboard(SUSAN, "building:pv-middle")).status).toBe(200);
    for (const [person, scope] of [
      [MARCUS, "building:pv-middle"],
      [RITA, "building:pv-elementary"],
      [GARY, "building:pv-elementary"],
      [JACOB, "building:pv-elementary"],
    ] as const) {
      expect((await dashboard(person, scope)).status, `${person} ${scope}`).toBe(403);
    }
  });
});
