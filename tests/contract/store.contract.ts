// The one behaviour every Store must have. Each backend's *.test.ts runs it against a real server or file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Contact,
  type Cycle,
  DCI_PRACTICES,
  type Feedback,
  type Roster,
} from "../../src/domain/model.js";
import { RosterIndex } from "../../src/domain/roster-index.js";
import { isCoachbotError } from "../../src/errors.js";
import { loadDemoRoster } from "../../src/roster/demo.js";
import type { ChangeSet, DueItem, NewOutboxEntry, Store } from "../../src/store/port.js";
import { parseScope } from "../../src/workflows/digest/compose.js";
import { csvRows } from "../../src/workflows/digest/csv.js";
import { loadRecords, type Records } from "../../src/workflows/digest/records.js";
import { renderDigest } from "../../src/workflows/digest/render.js";
import { buildReport } from "../../src/workflows/digest/report.js";
import {
  lastCompletePeriod,
  monthPeriod,
  periodInstants,
  previousPeriod,
  schoolYearMonths,
} from "../../src/workflows/periods.js";
import { P, seedPrairieValley } from "../unit/workflows/digest-seed.js";

const D = "hillcrest";
const OTHER = "riverside";
const T0 = Date.UTC(2026, 8, 14, 12);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cycle(id: string, over: Partial<Cycle> = {}): Cycle {
  return {
    id,
    groupId: "g-math",
    districtId: D,
    seq: 1,
    observerId: "ann@hillcrest.org",
    observedId: "bob@hillcrest.org",
    focus: "Feedback",
    state: "prompted",
    promptedAt: iso(T0),
    reschedules: 0,
    nudges: 0,
    updatedAt: iso(T0),
    version: 0,
    ...over,
  };
}

function feedback(cycleId: string, over: Partial<Feedback> = {}): Feedback {
  return {
    cycleId,
    districtId: D,
    coachId: "ann@hillcrest.org",
    teacherId: "bob@hillcrest.org",
    focus: "Feedback",
    evidence: ["observation"],
    glow: "Clear success criteria on the board",
    grow: "Wait time after questions",
    nextStep: "modeling",
    nextStepNote: "I will model think-pair-share on Tuesday",
    observedAt: iso(T0),
    givenAt: iso(T0 + HOUR),
    reflection: "Trying it with period 3",
    usefulness: 4,
    ...over,
  };
}

function contact(id: string, date: string, over: Partial<Contact> = {}): Contact {
  return {
    id,
    districtId: D,
    loggedBy: "fay@coaching.org",
    date,
    mode: "verbal",
    setting: "on-site",
    topics: ["dci-practices"],
    loggedAt: iso(T0),
    ...over,
  };
}

const due = (key: string, atMs: number, over: Partial<DueItem> = {}): DueItem => ({
  key,
  districtId: D,
  atMs,
  kind: "remind",
  payload: { cycleId: key, nested: { list: [] } },
  ...over,
});

const outbox = (key: string, notBeforeMs: number, over: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  key,
  districtId: D,
  to: { person: "bob@hillcrest.org" },
  message: { text: `message ${key}`, blocks: [] },
  notBeforeMs,
  ...over,
});

const roster = (people: string[]): Roster => ({
  districts: [
    {
      id: D,
      name: "Hillcrest",
      timezone: "America/Chicago",
      workHours: { start: "07:30", end: "16:00" },
      calendar: { firstDay: "2026-08-20", lastDay: "2027-05-28", noSchool: [] },
      cst: { facilitators: [], contactEveryDays: 30 },
      buildings: [],
    },
  ],
  people: people.map((id) => ({ id, email: id, name: id, districtId: D, roles: ["teacher"], teams: [] })),
  groups: [],
});

async function expectConflict(attempt: Promise<unknown>): Promise<void> {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected a StoreConflictError").toBeDefined();
  expect(isCoachbotError(err, "STORE_CONFLICT")).toBe(true);
}

export function storeContract(name: string, open: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const apply = (changes: Omit<ChangeSet, "districtId"> & { districtId?: string }) =>
      store.apply({ districtId: D, ...changes });
    const create = (...cycles: Cycle[]) =>
      apply({
        districtId: cycles[0]!.districtId,
        cycles: cycles.map((c) => ({ cycle: c, expectedVersion: 0 })),
      });

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("makes erasures final without losing what is stored", async () => {
      await store.putDoc("person-state", "ann", { pausedUntil: "2026-10-01" });
      await store.deleteDoc("person-state", "ann");
      await store.putDoc("person-state", "bob", { pausedUntil: "2026-11-01" });
      await expect(store.finishErasure()).resolves.toBeUndefined();
      expect(await store.getDoc("person-state", "ann")).toBeNull();
      expect(await store.getDoc("person-state", "bob")).toEqual({ pausedUntil: "2026-11-01" });
    });

    describe("roster", () => {
      it("is null before the first replace, then round-trips", async () => {
        expect(await store.getRoster()).toBeNull();
        await store.replaceRoster(roster(["a@x.org", "b@x.org"]));
        expect(await store.getRoster()).toEqual(roster(["a@x.org", "b@x.org"]));
      });

      it("replaces the whole snapshot: nothing of the old one remains", async () => {
        await store.replaceRoster(roster(["a@x.org", "b@x.org", "c@x.org"]));
        await store.replaceRoster(roster(["d@x.org"]));
        expect(await store.getRoster()).toEqual(roster(["d@x.org"]));
      });

      it("has a revision that moves with every replace, and only then", async () => {
        expect(await store.rosterRevision()).toBe(0);
        await store.replaceRoster(roster(["a@x.org"]));
        const first = await store.rosterRevision();
        expect(await store.rosterRevision()).toBe(first);
        await store.replaceRoster(roster(["a@x.org"]));
        const second = await store.rosterRevision();
        expect(second).not.toBe(first);
        await store.replaceRoster(roster(["b@x.org"]));
        expect(await store.rosterRevision()).not.toBe(second);
      });
    });

    describe("apply and cycles", () => {
      it("stores a new cycle at version 1 and each update at expectedVersion + 1", async () => {
        await create(cycle("c1"));
        expect(await store.getCycle(D, "c1")).toEqual(cycle("c1", { version: 1 }));
        await apply({
          cycles: [{ cycle: cycle("c1", { state: "scheduled", version: 1 }), expectedVersion: 1 }],
        });
        expect(await store.getCycle(D, "c1")).toEqual(cycle("c1", { state: "scheduled", version: 2 }));
        expect(await store.getCycle(D, "nope")).toBeNull();
      });

      it("refuses a second create of the same cycle (expectedVersion 0) with STORE_CONFLICT", async () => {
        await create(cycle("c1"));
        await expectConflict(create(cycle("c1", { state: "declined" })));
        expect((await store.getCycle(D, "c1"))?.state).toBe("prompted");
      });

      it("refuses an update whose expected version is stale or ahead", async () => {
        await create(cycle("c1"));
        await apply({ cycles: [{ cycle: cycle("c1", { nudges: 1 }), expectedVersion: 1 }] });
        await expectConflict(apply({ cycles: [{ cycle: cycle("c1", { nudges: 9 }), expectedVersion: 1 }] }));
        await expectConflict(apply({ cycles: [{ cycle: cycle("c1", { nudges: 9 }), expectedVersion: 3 }] }));
        await expectConflict(apply({ cycles: [{ cycle: cycle("new"), expectedVersion: 1 }] }));
        expect(await store.getCycle(D, "c1")).toMatchObject({ nudges: 1, version: 2 });
        expect(await store.getCycle(D, "new")).toBeNull();
      });

      it("lets exactly one of two concurrent updates from the same version land", async () => {
        await create(cycle("c1"));
        const outcomes = await Promise.allSettled(
          (["scheduled", "declined"] as const).map((state) =>
            apply({ cycles: [{ cycle: cycle("c1", { state }), expectedVersion: 1 }] }),
          ),
        );
        const rejected = outcomes.filter((o) => o.status === "rejected");
        expect(rejected).toHaveLength(1);
        expect(isCoachbotError(rejected[0]?.reason, "STORE_CONFLICT")).toBe(true);
        expect((await store.getCycle(D, "c1"))?.version).toBe(2);
      });

      it("writes nothing of a ChangeSet that holds one stale cycle version", async () => {
        await create(cycle("c1"));
        await apply({ outbox: [outbox("existing", T0)] });
        const stale: ChangeSet = {
          districtId: D,
          cycles: [
            { cycle: cycle("c2"), expectedVersion: 0 },
            { cycle: cycle("c1", { state: "observed" }), expectedVersion: 0 },
          ],
          feedback: [feedback("c1")],
          contacts: [contact("k1", "2026-09-14")],
          due: [due("remind:c1", T0)],
          cancelDue: [],
          outbox: [outbox("new", T0), outbox("existing", T0 + HOUR)],
          deleteOutbox: ["existing"],
          pruneOutboxBefore: T0 + 99 * HOUR,
        };
        await expectConflict(store.apply(stale));
        expect(await store.getCycle(D, "c1")).toEqual(cycle("c1", { version: 1 }));
        expect(await store.getCycle(D, "c2")).toBeNull();
        expect(await store.feedbackFor(D, "c1", "ann@hillcrest.org")).toBeNull();
        expect(await store.feedbackFacts(D, iso(0), iso(T0 + 99 * HOUR))).toEqual([]);
        expect(await store.contactsForDistrict(D)).toEqual([]);
        expect(await store.countDue()).toBe(0);
        expect(await store.getOutbox(D, "new")).toBeNull();
        expect((await store.getOutbox(D, "existing"))?.nextAttemptMs).toBe(T0);
        expect(await store.outboxCounts()).toEqual({ pending: 1, sent: 0, dead: 0 });
      });

      it("refuses a ChangeSet that holds a record of another district, writing nothing", async () => {
        await expect(apply({ due: [due("a", T0), due("b", T0, { districtId: OTHER })] })).rejects.toThrow(
          OTHER,
        );
        expect(await store.countDue()).toBe(0);
      });

      it("lists a person's cycles, observing or observed, newest first", async () => {
        await create(
          cycle("old", { promptedAt: iso(T0 - 48 * HOUR) }),
          cycle("mid", {
            promptedAt: iso(T0 - 24 * HOUR),
            observerId: "bob@hillcrest.org",
            observedId: "cy@h.org",
          }),
          cycle("new", { promptedAt: iso(T0) }),
          cycle("theirs", { observerId: "cy@h.org", observedId: "dee@h.org" }),
        );
        const ids = async (person: string) => (await store.cyclesForPerson(D, person)).map((c) => c.id);
        expect(await ids("bob@hillcrest.org")).toEqual(["new", "mid", "old"]);
        expect(await ids("ann@hillcrest.org")).toEqual(["new", "old"]);
        expect(await ids("dee@h.org")).toEqual(["theirs"]);
        expect(await ids("nobody@h.org")).toEqual([]);
        expect((await store.cyclesForPerson(D, "dee@h.org"))[0]).toEqual(
          cycle("theirs", { observerId: "cy@h.org", observedId: "dee@h.org", version: 1 }),
        );
      });

      it("keeps the person and group lists right when an update changes who or when", async () => {
        await create(cycle("c1"), cycle("c2", { promptedAt: iso(T0 + HOUR) }));
        const moved = cycle("c1", {
          observerId: "cy@h.org",
          groupId: "g-ela",
          promptedAt: iso(T0 + 2 * HOUR),
        });
        await apply({ cycles: [{ cycle: moved, expectedVersion: 1 }] });
        const ids = (cycles: Cycle[]) => cycles.map((c) => c.id);
        expect(ids(await store.cyclesForPerson(D, "ann@hillcrest.org"))).toEqual(["c2"]);
        expect(ids(await store.cyclesForPerson(D, "cy@h.org"))).toEqual(["c1"]);
        expect(ids(await store.cyclesForPerson(D, "bob@hillcrest.org"))).toEqual(["c1", "c2"]);
        expect(ids(await store.cyclesForGroup(D, "g-math"))).toEqual(["c2"]);
        expect(ids(await store.cyclesForGroup(D, "g-ela"))).toEqual(["c1"]);
      });

      it("lists a group's cycles, newest first", async () => {
        await create(
          cycle("a1", { promptedAt: iso(T0) }),
          cycle("a2", { promptedAt: iso(T0 + HOUR), seq: 2 }),
          cycle("b1", { groupId: "g-ela" }),
        );
        expect((await store.cyclesForGroup(D, "g-math")).map((c) => c.id)).toEqual(["a2", "a1"]);
        expect(await store.cyclesForGroup(D, "g-none")).toEqual([]);
      });

      it("lists a district's cycles prompted in [from, to), oldest first", async () => {
        await create(
          cycle("before", { promptedAt: iso(T0 - 1) }),
          cycle("at-from", { promptedAt: iso(T0) }),
          cycle("inside", { promptedAt: iso(T0 + HOUR) }),
          cycle("at-to", { promptedAt: iso(T0 + 2 * HOUR) }),
        );
        const inRange = await store.cyclesInDistrict(D, iso(T0), iso(T0 + 2 * HOUR));
        expect(inRange.map((c) => c.id)).toEqual(["at-from", "inside"]);
      });

      describe("cycles that can count in [from, to): touched at or after from, prompted before to", () => {
        const FROM = T0;
        const TO = T0 + 10 * HOUR;
        const long = (i: number) => iso(FROM - 100 * HOUR + i); // prompted long before the window
        const quiet = iso(FROM - 50 * HOUR); // a last move before the window
        const touched = async (from = FROM, to = TO) =>
          (await store.cyclesTouchedInDistrict(D, iso(from), iso(to))).map((c) => c.id);
        const update = (c: Cycle, over: Partial<Cycle>, version = 1) =>
          apply({ cycles: [{ cycle: { ...c, ...over }, expectedVersion: version }] });

        const seeded = {
          stale: cycle("stale", { promptedAt: long(0), updatedAt: iso(FROM - 1) }),
          atFrom: cycle("at-from", { promptedAt: long(1), updatedAt: iso(FROM) }),
          // Each instant field on its own puts a cycle in: the latest one recorded counts.
          booked: cycle("booked", { promptedAt: long(2), updatedAt: quiet, scheduledAt: iso(FROM + HOUR) }),
          observed: cycle("observed", {
            promptedAt: long(3),
            updatedAt: quiet,
            observedAt: iso(FROM + 2 * HOUR),
            note: "Room 12",
          }),
          feedback: cycle("feedback", {
            promptedAt: long(4),
            updatedAt: quiet,
            feedbackAt: iso(FROM + HOUR),
          }),
          reflected: cycle("reflected", { promptedAt: long(5), updatedAt: quiet, reflectedAt: iso(FROM) }),
          closed: cycle("closed", { promptedAt: long(6), updatedAt: quiet, closedAt: iso(TO - 1) }),
          // Booked past the window's end: touched after `to` still counts (the prompt is before it).
          farBooking: cycle("far-booking", {
            promptedAt: iso(FROM - 200 * HOUR),
            updatedAt: quiet,
            scheduledAt: iso(TO + 100 * HOUR),
          }),
          tieB: cycle("tie-b", { promptedAt: iso(FROM + HOUR), updatedAt: iso(FROM + HOUR) }),
          tieA: cycle("tie-a", { promptedAt: iso(FROM + HOUR), updatedAt: iso(FROM + HOUR) }),
          beforeTo: cycle("before-to", { promptedAt: iso(TO - 1), updatedAt: iso(TO - 1) }),
          atTo: cycle("at-to", { promptedAt: iso(TO), updatedAt: iso(TO) }),
        };
        const inWindow = [
          "far-booking",
          "at-from",
          "booked",
          "observed",
          "feedback",
          "reflected",
          "closed",
          "tie-a",
          "tie-b",
          "before-to",
        ];

        it("lists exactly those, oldest prompted first, whole and of this district only", async () => {
          await create(...Object.values(seeded));
          await create({ ...seeded.atFrom, districtId: OTHER }, { ...seeded.booked, districtId: OTHER });
          expect(await touched()).toEqual(inWindow);
          expect((await store.cyclesTouchedInDistrict(D, iso(FROM), iso(TO)))[3]).toEqual({
            ...seeded.observed,
            version: 1,
          });
          expect(await touched(FROM + 2 * HOUR + 1, TO)).toEqual(["far-booking", "closed", "before-to"]);
          expect(await touched(FROM, FROM - 100 * HOUR + 3)).toEqual(["far-booking", "at-from", "booked"]);
          expect(await touched(TO + 100 * HOUR + 1, TO + 200 * HOUR)).toEqual([]);
          expect(await store.cyclesTouchedInDistrict("nowhere", iso(0), iso(TO * 2))).toEqual([]);
        });

        it("follows every update: in when it moves into the window, out when it moves away", async () => {
          await create(...Object.values(seeded));
          // A nudge in the window brings a cycle in.
          await update(seeded.stale, { nudges: 1, updatedAt: iso(FROM + 3 * HOUR) });
          // Rebooked earlier, every instant before the window: out (the index follows a score down too).
          await update(seeded.booked, {
            scheduledAt: iso(FROM - 60 * HOUR),
            updatedAt: iso(FROM - 40 * HOUR),
          });
          // Prompted again after the window: out.
          await update(seeded.beforeTo, { promptedAt: iso(TO + 1), updatedAt: iso(TO + 1) });
          // Erasure rewrites a cycle (note gone, a pseudonym for a person) and leaves its times: still in.
          const { note, ...erased } = seeded.observed;
          await update(erased as Cycle, { observerId: "forgotten:0123456789ab" });
          expect(await touched()).toEqual([
            "far-booking",
            "stale",
            "at-from",
            "observed",
            "feedback",
            "reflected",
            "closed",
            "tie-a",
            "tie-b",
          ]);
          expect(await store.getCycle(D, "observed")).not.toHaveProperty("note");
          // And back: the latest write decides, whatever came before.
          await update(seeded.booked, { scheduledAt: iso(FROM + 4 * HOUR), updatedAt: iso(FROM) }, 2);
          expect(await touched(FROM + 3 * HOUR + 1, TO)).toEqual(["far-booking", "booked", "closed"]);
        });
      });
    });

    describe("feedback", () => {
      it("returns the whole feedback to its coach and its teacher only", async () => {
        await apply({ feedback: [feedback("c1")] });
        expect(await store.feedbackFor(D, "c1", "ann@hillcrest.org")).toEqual(feedback("c1"));
        expect(await store.feedbackFor(D, "c1", "bob@hillcrest.org")).toEqual(feedback("c1"));
        expect(await store.feedbackFor(D, "c1", "principal@hillcrest.org")).toBeNull();
        expect(await store.feedbackFor(D, "c1", "")).toBeNull();
        expect(await store.feedbackFor(D, "missing", "ann@hillcrest.org")).toBeNull();
      });

      it("replaces a feedback given again for the same cycle (e.g. once reflected)", async () => {
        await apply({ feedback: [feedback("c1", { reflection: undefined, usefulness: undefined })] });
        await apply({ feedback: [feedback("c1", { reflection: "New", usefulness: 5 })] });
        expect(await store.feedbackFor(D, "c1", "bob@hillcrest.org")).toEqual(
          feedback("c1", { reflection: "New", usefulness: 5 }),
        );
        expect(await store.feedbackFacts(D, iso(0), iso(T0 + 99 * HOUR))).toHaveLength(1);
      });

      it("gives facts in [from, to) with no text field at all", async () => {
        await apply({
          feedback: [
            feedback("early", { givenAt: iso(T0 - 1) }),
            feedback("first", { givenAt: iso(T0) }),
            feedback("second", {
              givenAt: iso(T0 + HOUR),
              nextStepNote: undefined,
              momentOfNeed: "things-change",
            }),
            feedback("late", { givenAt: iso(T0 + 2 * HOUR) }),
          ],
        });
        const facts = await store.feedbackFacts(D, iso(T0), iso(T0 + 2 * HOUR));
        expect(facts.map((f) => f.cycleId)).toEqual(["first", "second"]);
        for (const f of facts) {
          for (const field of ["glow", "grow", "nextStepNote", "reflection"]) {
            expect(Object.keys(f)).not.toContain(field);
          }
          expect(JSON.stringify(f)).not.toMatch(/success criteria|Wait time|model think|period 3/);
        }
        const { glow, grow, nextStepNote, reflection, ...expected } = feedback("first", { givenAt: iso(T0) });
        expect(facts[0]).toEqual(expected);
        expect(facts[1]).toMatchObject({ momentOfNeed: "things-change", usefulness: 4 });
      });
    });

    describe("contacts", () => {
      it("lists a district's contacts by date, upserting by id", async () => {
        await apply({ contacts: [contact("k2", "2026-10-02"), contact("k1", "2026-09-14")] });
        await apply({
          contacts: [contact("k2", "2026-10-02", { mode: "written", nextStep: "Share the data" })],
        });
        expect(await store.contactsForDistrict(D)).toEqual([
          contact("k1", "2026-09-14"),
          contact("k2", "2026-10-02", { mode: "written", nextStep: "Share the data" }),
        ]);
        expect(await store.contactsForDistrict(OTHER)).toEqual([]);
      });
    });

    describe("docs", () => {
      it("gets, puts, overwrites and deletes by namespace and id", async () => {
        expect(await store.getDoc("person", "ann")).toBeNull();
        await store.putDoc("person", "ann", { paused: true, until: "2026-10-01" });
        await store.putDoc("person", "ann", { paused: false });
        expect(await store.getDoc("person", "ann")).toEqual({ paused: false });
        await store.deleteDoc("person", "ann");
        expect(await store.getDoc("person", "ann")).toBeNull();
        await expect(store.deleteDoc("person", "never")).resolves.toBeUndefined();
      });

      it("lists one namespace only, by id", async () => {
        await store.putDoc("identity", "u2", { email: "b@x.org" });
        await store.putDoc("identity", "u1", { email: "a@x.org" });
        await store.putDoc("install", "u1", { team: "T1" });
        expect(await store.listDocs("identity")).toEqual([
          { id: "u1", value: { email: "a@x.org" } },
          { id: "u2", value: { email: "b@x.org" } },
        ]);
        expect(await store.listDocs("install")).toEqual([{ id: "u1", value: { team: "T1" } }]);
        expect(await store.listDocs("empty")).toEqual([]);
      });

      it("lists the namespaces that hold a document, sorted, and forgets an emptied one", async () => {
        expect(await store.docNamespaces()).toEqual([]);
        await store.putDoc("local-inbox:ann@x.org", "00000001", { text: "hi" });
        await store.putDoc("identity", "u1", { email: "a@x.org" });
        await store.putDoc("identity", "u2", { email: "b@x.org" });
        expect(await store.docNamespaces()).toEqual(["identity", "local-inbox:ann@x.org"]);
        await store.deleteDoc("local-inbox:ann@x.org", "00000001");
        expect(await store.docNamespaces()).toEqual(["identity"]);
      });
    });

    describe("claimOnce", () => {
      it("is true the first time within the TTL, false after, true again once it expires", async () => {
        expect(await store.claimOnce("slack:evt:1", 80)).toBe(true);
        expect(await store.claimOnce("slack:evt:1", 80)).toBe(false);
        expect(await store.claimOnce("slack:evt:2", 80)).toBe(true);
        await sleep(160);
        expect(await store.claimOnce("slack:evt:1", 80)).toBe(true);
      });
    });

    describe("locks", () => {
      it("lets one holder at a time acquire, renew and release with its token", async () => {
        const token = await store.acquireLock("tick", 5_000);
        expect(token).toEqual(expect.any(String));
        expect(await store.acquireLock("tick", 5_000)).toBeNull();
        expect(await store.acquireLock("other", 5_000)).toEqual(expect.any(String));
        expect(await store.renewLock("tick", "wrong", 5_000)).toBe(false);
        expect(await store.renewLock("tick", token!, 5_000)).toBe(true);
        expect(await store.releaseLock("tick", "wrong")).toBe(false);
        expect(await store.acquireLock("tick", 5_000)).toBeNull();
        expect(await store.releaseLock("tick", token!)).toBe(true);
        expect(await store.releaseLock("tick", token!)).toBe(false);
        expect(await store.acquireLock("tick", 5_000)).toEqual(expect.any(String));
      });

      it("frees an expired lease for the next taker; the old token no longer renews or releases", async () => {
        const old = await store.acquireLock("tick", 80);
        await sleep(160);
        const next = await store.acquireLock("tick", 5_000);
        expect(next).toEqual(expect.any(String));
        expect(next).not.toBe(old);
        expect(await store.renewLock("tick", old!, 5_000)).toBe(false);
        expect(await store.releaseLock("tick", old!)).toBe(false);
        expect(await store.releaseLock("tick", next!)).toBe(true);
      });

      it("renewing extends the lease past its first TTL", async () => {
        const token = await store.acquireLock("tick", 150);
        await sleep(90);
        expect(await store.renewLock("tick", token!, 5_000)).toBe(true);
        await sleep(120);
        expect(await store.acquireLock("tick", 5_000)).toBeNull();
      });
    });

    describe("due", () => {
      it("takes only items due at or before now, in due order, up to the limit", async () => {
        await apply({ due: [due("c", T0 + 4), due("later", T0 + 10), due("a", T0), due("b", T0 + 2)] });
        await apply({ districtId: OTHER, due: [due("x", T0 + 3, { districtId: OTHER })] });
        const taken = await store.takeDue(T0 + 4, 3, 60_000);
        expect(taken.map((t) => t.key)).toEqual(["a", "b", "x"]);
        expect(taken[0]).toEqual({ ...due("a", T0), leaseAtMs: T0 + 4 + 60_000 });
        expect(taken[2]?.districtId).toBe(OTHER);
        expect((await store.takeDue(T0 + 4, 10, 60_000)).map((t) => t.key)).toEqual(["c"]);
        expect(await store.takeDue(T0 + 4, 10, 60_000)).toEqual([]);
        expect(await store.takeDue(T0 + 9, 0, 60_000)).toEqual([]);
        expect(await store.countDue()).toBe(5);
      });

      it("peeks without leasing and gets one item by key", async () => {
        await apply({ due: [due("b", T0 + 1), due("a", T0), due("later", T0 + 10)] });
        expect(await store.peekDue(T0 + 1, 10)).toEqual([due("a", T0), due("b", T0 + 1)]);
        expect(await store.peekDue(T0 + 1, 1)).toEqual([due("a", T0)]);
        expect((await store.takeDue(T0 + 1, 10, 1_000)).map((t) => t.key)).toEqual(["a", "b"]);
        expect(await store.getDue(D, "later")).toEqual(due("later", T0 + 10));
        expect(await store.getDue(D, "a")).toEqual(due("a", T0 + 1 + 1_000));
        expect(await store.getDue(D, "missing")).toBeNull();
        expect(await store.getDue(OTHER, "later")).toBeNull();
      });

      it("upserts by key: a second add moves the item and replaces its payload", async () => {
        await apply({ due: [due("k", T0)] });
        await apply({ due: [due("k", T0 + 100, { kind: "nudge", payload: { n: 2 } })] });
        expect(await store.countDue()).toBe(1);
        expect(await store.takeDue(T0 + 50, 10, 1_000)).toEqual([]);
        const [item] = await store.takeDue(T0 + 100, 10, 1_000);
        expect(item).toMatchObject({ key: "k", atMs: T0 + 100, kind: "nudge", payload: { n: 2 } });
      });

      it("cancels by key, leaving the others", async () => {
        await apply({ due: [due("a", T0), due("b", T0)] });
        await apply({ cancelDue: ["a", "never-added"] });
        expect(await store.countDue()).toBe(1);
        expect((await store.takeDue(T0, 10, 1_000)).map((t) => t.key)).toEqual(["b"]);
      });

      it("does not hand out a leased item again until its lease ends", async () => {
        await apply({ due: [due("a", T0)] });
        const [first] = await store.takeDue(T0, 10, 1_000);
        expect(first?.leaseAtMs).toBe(T0 + 1_000);
        expect(await store.takeDue(T0 + 999, 10, 1_000)).toEqual([]);
        const [again] = await store.takeDue(T0 + 1_000, 10, 1_000);
        expect(again).toMatchObject({ key: "a", atMs: T0 + 1_000, leaseAtMs: T0 + 2_000 });
      });

      it("completes a leased item, but not one rescheduled since it was taken", async () => {
        await apply({ due: [due("done", T0), due("moved", T0)] });
        const taken = await store.takeDue(T0, 10, 1_000);
        await apply({ due: [due("moved", T0 + 5_000)] });
        for (const item of taken) await store.completeDue(item);
        expect(await store.countDue()).toBe(1);
        expect(await store.getDue(D, "done")).toBeNull();
        expect(await store.getDue(D, "moved")).toEqual(due("moved", T0 + 5_000));
      });

      it("never gives the same item to two concurrent takers", async () => {
        await apply({
          due: Array.from({ length: 20 }, (_, i) => due(`k${String(i).padStart(2, "0")}`, T0 + i)),
        });
        const [a, b] = await Promise.all([
          store.takeDue(T0 + 50, 15, 1_000),
          store.takeDue(T0 + 50, 15, 1_000),
        ]);
        const keys = [...a!, ...b!].map((t) => t.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toHaveLength(20);
      });
    });

    describe("outbox", () => {
      it("enqueues pending entries, insert-if-absent by key", async () => {
        const before = Date.now();
        await apply({ outbox: [outbox("m1", T0), outbox("m1", T0 + 1, { message: { text: "dup" } })] });
        await apply({ outbox: [outbox("m1", T0 + 2, { to: { channel: { slack: "C1" } } })] });
        const entry = await store.getOutbox(D, "m1");
        expect(entry).toEqual({
          ...outbox("m1", T0),
          state: "pending",
          attempts: 0,
          nextAttemptMs: T0,
          createdMs: expect.any(Number),
        });
        expect(entry!.createdMs).toBeGreaterThanOrEqual(before);
        expect(await store.getOutbox(D, "missing")).toBeNull();
        expect(await store.outboxCounts()).toEqual({ pending: 1, sent: 0, dead: 0 });
      });

      it("claims only entries whose next attempt is due, earliest first, and counts the attempt", async () => {
        await apply({ outbox: [outbox("late", T0 + 10), outbox("b", T0 + 1), outbox("a", T0)] });
        expect(await store.claimOutbox(T0 - 1, 10, 1_000)).toEqual([]);
        const claimed = await store.claimOutbox(T0 + 5, 10, 1_000);
        expect(claimed.map((e) => e.key)).toEqual(["a", "b"]);
        expect(claimed[0]).toMatchObject({ state: "pending", attempts: 1, leaseUntilMs: T0 + 1_005 });
        expect(await store.getOutbox(D, "a")).toEqual(claimed[0]);
        expect(await store.claimOutbox(T0 + 10, 1, 1_000)).toMatchObject([{ key: "late" }]);
      });

      it("takes districts in turn, so one district's backlog cannot fill a claim", async () => {
        const backlog = Array.from({ length: 6 }, (_, i) => outbox(`a${i}`, T0 + i));
        const other = (key: string, at: number) => outbox(key, at, { districtId: "zz-other" });
        await apply({ outbox: backlog });
        await apply({ districtId: "zz-other", outbox: [other("z1", T0 + 50), other("z0", T0 + 40)] });
        const claimed = await store.claimOutbox(T0 + 100, 4, 1_000);
        // Each district's earliest, then each one's second: not the four oldest (all hillcrest's).
        expect(claimed.map((e) => `${e.districtId}:${e.key}`)).toEqual([
          `${D}:a0`,
          "zz-other:z0",
          `${D}:a1`,
          "zz-other:z1",
        ]);
        const rest = await store.claimOutbox(T0 + 100, 10, 1_000);
        expect(rest.map((e) => e.key)).toEqual(["a2", "a3", "a4", "a5"]);
      });

      it("does not claim a leased entry again before its lease ends", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        await store.claimOutbox(T0, 10, 1_000);
        expect(await store.claimOutbox(T0 + 999, 10, 1_000)).toEqual([]);
        const [again] = await store.claimOutbox(T0 + 1_000, 10, 1_000);
        expect(again).toMatchObject({ key: "m", attempts: 2, leaseUntilMs: T0 + 2_000 });
      });

      it("marks a claimed entry sent; it is never claimed again", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [entry] = await store.claimOutbox(T0, 10, 1_000);
        await store.markSent(entry!, "slack:C1:1700.01", T0 + 10);
        const sent = await store.getOutbox(D, "m");
        expect(sent).toMatchObject({
          state: "sent",
          sentMs: T0 + 10,
          platformRef: "slack:C1:1700.01",
          attempts: 1,
        });
        expect(sent).not.toHaveProperty("leaseUntilMs");
        expect(await store.claimOutbox(T0 + 99_000, 10, 1_000)).toEqual([]);
        expect(await store.outboxCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
      });

      it("ignores a stale claimer once the entry was claimed again", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [stale] = await store.claimOutbox(T0, 10, 1_000);
        const [current] = await store.claimOutbox(T0 + 1_000, 10, 1_000);
        await store.markSent(stale!, "late-ref", T0 + 1_001);
        await store.markDead(stale!, "late", T0 + 1_001);
        await store.markRetry(stale!, T0 + 1, "late");
        expect(await store.getOutbox(D, "m")).toEqual(current);
        await store.markSent(current!, "ref", T0 + 1_002);
        await store.markRetry(current!, T0 + 1, "after sent");
        expect(await store.getOutbox(D, "m")).toMatchObject({ state: "sent", platformRef: "ref" });
      });

      it("retries at the given time, keeping the error", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [entry] = await store.claimOutbox(T0, 10, 1_000);
        await store.markRetry(entry!, T0 + 60_000, "rate limited");
        const retried = await store.getOutbox(D, "m");
        expect(retried).toMatchObject({
          state: "pending",
          nextAttemptMs: T0 + 60_000,
          lastError: "rate limited",
        });
        expect(retried).not.toHaveProperty("leaseUntilMs");
        expect(await store.claimOutbox(T0 + 59_999, 10, 1_000)).toEqual([]);
        expect(await store.claimOutbox(T0 + 60_000, 10, 1_000)).toMatchObject([{ key: "m", attempts: 2 }]);
      });

      it("hands a claim back without counting the attempt, due again at the given time", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [entry] = await store.claimOutbox(T0, 10, 1_000);
        await store.releaseOutbox(entry!, T0 + 5_000, "waiting for the rate limit of slack:T1");
        // The claim undone, and nothing else: no lease, the attempt given back, the new time and why.
        const { leaseUntilMs, ...unclaimed } = entry!;
        expect(leaseUntilMs).toBe(T0 + 1_000);
        expect(await store.getOutbox(D, "m")).toStrictEqual({
          ...unclaimed,
          attempts: 0,
          nextAttemptMs: T0 + 5_000,
          lastError: "waiting for the rate limit of slack:T1",
        });
        expect(await store.claimOutbox(T0 + 4_999, 10, 1_000)).toEqual([]);
        expect(await store.claimOutbox(T0 + 5_000, 10, 1_000)).toMatchObject([{ key: "m", attempts: 1 }]);
      });

      it("ignores a release from a stale claimer, or of an entry no longer pending", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [stale] = await store.claimOutbox(T0, 10, 1_000);
        const [current] = await store.claimOutbox(T0 + 1_000, 10, 1_000);
        await store.releaseOutbox(stale!, T0, "late");
        expect(await store.getOutbox(D, "m")).toEqual(current);
        await store.markSent(current!, "ref", T0 + 1_001);
        await store.releaseOutbox(current!, T0, "after sent");
        expect(await store.getOutbox(D, "m")).toMatchObject({
          state: "sent",
          attempts: 2,
          platformRef: "ref",
        });
        expect(await store.outboxCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
      });

      it("marks an entry dead with its reason", async () => {
        await apply({ outbox: [outbox("m", T0)] });
        const [entry] = await store.claimOutbox(T0, 10, 1_000);
        await store.markDead(entry!, "channel_not_found", T0 + 5);
        expect(await store.getOutbox(D, "m")).toMatchObject({
          state: "dead",
          lastError: "channel_not_found",
        });
        expect(await store.claimOutbox(T0 + 99_000, 10, 1_000)).toEqual([]);
        expect(await store.outboxCounts()).toEqual({ pending: 0, sent: 0, dead: 1 });
      });

      it("lists by state: pending by next attempt, sent and dead latest first, up to the limit", async () => {
        await apply({ outbox: ["p1", "p2", "s1", "s2", "d1"].map((key, i) => outbox(key, T0 + i)) });
        await apply({ districtId: OTHER, outbox: [outbox("p0", T0 - 1, { districtId: OTHER })] });
        const claimed = await store.claimOutbox(T0 + 10, 10, 1_000);
        const byKey = new Map(claimed.map((e) => [e.key, e]));
        await store.markSent(byKey.get("s1")!, "r1", T0 + 100);
        await store.markSent(byKey.get("s2")!, "r2", T0 + 200);
        await store.markDead(byKey.get("d1")!, "gone", T0 + 50);
        await store.markRetry(byKey.get("p2")!, T0 + 500, "busy");
        await store.markRetry(byKey.get("p1")!, T0 + 600, "busy");
        await store.markRetry(byKey.get("p0")!, T0 + 700, "busy");
        const keys = async (state: "pending" | "sent" | "dead", limit: number) =>
          (await store.listOutbox(state, limit)).map((e) => e.key);
        expect(await keys("pending", 10)).toEqual(["p2", "p1", "p0"]);
        expect(await keys("pending", 2)).toEqual(["p2", "p1"]);
        expect(await keys("sent", 10)).toEqual(["s2", "s1"]);
        expect(await keys("sent", 1)).toEqual(["s2"]);
        expect(await keys("dead", 10)).toEqual(["d1"]);
        expect((await store.listOutbox("pending", 10))[2]?.districtId).toBe(OTHER);
        expect(await store.outboxCounts()).toEqual({ pending: 3, sent: 2, dead: 1 });
      });

      it("deletes entries named in a ChangeSet in any state, before its inserts, leaving other districts'", async () => {
        await apply({ outbox: ["p", "s", "d", "keep"].map((key) => outbox(key, T0)) });
        await apply({ districtId: OTHER, outbox: [outbox("p", T0, { districtId: OTHER })] });
        const claimed = await store.claimOutbox(T0, 10, 1_000);
        const entry = (key: string) => claimed.find((e) => e.districtId === D && e.key === key)!;
        await store.markSent(entry("s"), "ref", T0 + 1);
        await store.markDead(entry("d"), "gone", T0 + 1);
        await store.markRetry(entry("p"), T0 + 5, "busy");
        await apply({ deleteOutbox: ["p", "s", "d", "never"], outbox: [outbox("d", T0 + 7)] });
        for (const key of ["p", "s"]) expect(await store.getOutbox(D, key)).toBeNull();
        // Deleted first, so the same key enqueues a new entry.
        expect(await store.getOutbox(D, "d")).toMatchObject({
          state: "pending",
          attempts: 0,
          nextAttemptMs: T0 + 7,
        });
        expect(await store.getOutbox(OTHER, "p")).not.toBeNull();
        expect(await store.outboxCounts()).toEqual({ pending: 3, sent: 0, dead: 0 });
        expect((await store.listOutbox("sent", 10)).map((e) => e.key)).toEqual([]);
        const again = await store.claimOutbox(T0 + 99_000, 10, 1_000);
        expect(
          again
            .filter((e) => e.districtId === D)
            .map((e) => e.key)
            .sort(),
        ).toEqual(["d", "keep"]);
      });

      it("prunes the district's sent and dead entries closed before a time, never pending ones", async () => {
        await apply({
          outbox: ["old-sent", "new-sent", "old-dead", "pending"].map((key) => outbox(key, T0)),
        });
        await apply({ districtId: OTHER, outbox: [outbox("old-sent", T0, { districtId: OTHER })] });
        const claimed = await store.claimOutbox(T0, 10, 1_000);
        const entry = (district: string, key: string) =>
          claimed.find((e) => e.districtId === district && e.key === key)!;
        await store.markSent(entry(D, "old-sent"), "r1", T0 + 10);
        await store.markSent(entry(OTHER, "old-sent"), "r2", T0 + 10);
        await store.markDead(entry(D, "old-dead"), "gone", T0 + 19);
        await store.markSent(entry(D, "new-sent"), "r3", T0 + 20);
        await apply({ pruneOutboxBefore: T0 + 20 });
        expect(await store.getOutbox(D, "old-sent")).toBeNull();
        expect(await store.getOutbox(D, "old-dead")).toBeNull();
        expect(await store.getOutbox(OTHER, "old-sent")).toMatchObject({ state: "sent" });
        expect(await store.getOutbox(D, "new-sent")).toMatchObject({ state: "sent" });
        expect(await store.getOutbox(D, "pending")).toMatchObject({ state: "pending" });
        expect(await store.outboxCounts()).toEqual({ pending: 1, sent: 2, dead: 0 });
      });

      it("never gives the same entry to two concurrent claimers", async () => {
        await apply({ outbox: Array.from({ length: 12 }, (_, i) => outbox(`m${i}`, T0 + i)) });
        const [a, b] = await Promise.all([
          store.claimOutbox(T0 + 50, 8, 1_000),
          store.claimOutbox(T0 + 50, 8, 1_000),
        ]);
        const keys = [...a!, ...b!].map((e) => e.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toHaveLength(12);
      });
    });

    it("gives the digest, dashboard and export the same figures as every cycle in the district would", async () => {
      // Prairie Valley's hand-written autumn, over two years of generated history in which some
      // events come long after their prompt (an observation 13 months on, a booking 2 years on).
      await seedPrairieValley(store);
      const index = new RosterIndex(await loadDemoRoster());
      const pv = index.district("prairie-valley")!;
      const people = Object.values(P);
      const history: Cycle[] = [];
      const start = Date.parse("2024-08-19T14:00:00Z");
      for (let i = 0; i < 400; i++) {
        const prompted = start + i * 53 * HOUR;
        const at = (days: number) => iso(prompted + days * 24 * HOUR);
        const late = i % 9 === 0 ? 395 : 0;
        const kind = i % 5;
        const base = cycle(`h${i}`, {
          districtId: "prairie-valley",
          groupId: `hg${i % 12}`,
          buildingId: i % 3 ? "pv-elementary" : "pv-middle",
          observerId: people[i % people.length]!,
          observedId: people[(i * 7 + 3) % people.length]!,
          focus: DCI_PRACTICES[i % DCI_PRACTICES.length]!,
          promptedAt: iso(prompted),
          updatedAt: iso(prompted),
        });
        history.push(
          kind === 0
            ? {
                ...base,
                state: "reflected",
                scheduledAt: at(3 + late),
                observedAt: at(3 + late),
                updatedAt: at(5 + late),
                closedAt: at(5 + late),
              }
            : kind === 1
              ? { ...base, state: "unscheduled", updatedAt: at(9 + late), closedAt: at(9 + late) }
              : kind === 2
                ? {
                    ...base,
                    state: "cancelled",
                    scheduledAt: at(30 + late),
                    updatedAt: at(2),
                    closedAt: at(2),
                  }
                : kind === 3
                  ? { ...base, state: "scheduled", scheduledAt: at(i % 4 ? 4 : 700), updatedAt: at(1) }
                  : {
                      ...base,
                      state: "missed",
                      scheduledAt: at(6),
                      updatedAt: at(8 + late),
                      closedAt: at(8 + late),
                    },
        );
      }
      for (let i = 0; i < history.length; i += 100) {
        await store.apply({
          districtId: "prairie-valley",
          cycles: history.slice(i, i + 100).map((c) => ({ cycle: c, expectedVersion: 0 })),
        });
      }
      const everything = async (from: string, to: string): Promise<Records> => ({
        cycles: await store.cyclesInDistrict("prairie-valley", iso(0), to),
        feedback: await store.feedbackFacts("prairie-valley", from, to),
        contacts: await store.contactsForDistrict("prairie-valley"),
      });
      const scopes = [
        parseScope(index, "district:prairie-valley")!,
        parseScope(index, "building:pv-middle")!,
      ];
      const periods = [
        monthPeriod("2026-10"),
        monthPeriod("2026-11"),
        monthPeriod("2025-10"),
        lastCompletePeriod("weekly", pv, new Date("2026-10-20T15:00:00Z")),
      ];
      let read = 0;
      for (const period of periods) {
        const span = {
          from: periodInstants(pv, previousPeriod(period)).from,
          to: periodInstants(pv, period).to,
        };
        const records = await loadRecords(store, pv.id, span.from, span.to);
        const all = await everything(span.from, span.to);
        expect(records.cycles.length).toBeLessThan(all.cycles.length);
        read += records.cycles.length;
        for (const scope of scopes) {
          const report = buildReport(scope, period, records, 5, "2026-12-03");
          expect(report).toEqual(buildReport(scope, period, all, 5, "2026-12-03"));
          expect(renderDigest(report, "x")).toEqual(
            renderDigest(buildReport(scope, period, all, 5, "2026-12-03"), "x"),
          );
        }
      }
      expect(read).toBeGreaterThan(0);
      // The school year as the dashboard and the export read it.
      const months = schoolYearMonths(pv, new Date("2026-12-03T14:00:00Z"));
      const year = { from: periodInstants(pv, months[0]!).from, to: periodInstants(pv, months.at(-1)!).to };
      expect(csvRows(pv, await loadRecords(store, pv.id, year.from, year.to), months, 5)).toEqual(
        csvRows(pv, await everything(year.from, year.to), months, 5),
      );
    });

    it("never shows district A's data in district B's queries", async () => {
      await apply({
        cycles: [{ cycle: cycle("c1"), expectedVersion: 0 }],
        feedback: [feedback("c1")],
        contacts: [contact("k1", "2026-09-14")],
        due: [due("remind:c1", T0)],
        outbox: [outbox("m1", T0)],
      });
      expect(await store.getCycle(OTHER, "c1")).toBeNull();
      expect(await store.cyclesForPerson(OTHER, "ann@hillcrest.org")).toEqual([]);
      expect(await store.cyclesForGroup(OTHER, "g-math")).toEqual([]);
      expect(await store.cyclesInDistrict(OTHER, iso(0), iso(T0 * 2))).toEqual([]);
      expect(await store.feedbackFor(OTHER, "c1", "ann@hillcrest.org")).toBeNull();
      expect(await store.feedbackFacts(OTHER, iso(0), iso(T0 * 2))).toEqual([]);
      expect(await store.contactsForDistrict(OTHER)).toEqual([]);
      expect(await store.getDue(OTHER, "remind:c1")).toBeNull();
      expect(await store.getOutbox(OTHER, "m1")).toBeNull();
      // The same cycle id in another district is another cycle: it starts at version 0 there.
      await create(cycle("c1", { districtId: OTHER, focus: "Metacognition" }));
      expect((await store.getCycle(D, "c1"))?.focus).toBe("Feedback");
      expect((await store.getCycle(OTHER, "c1"))?.focus).toBe("Metacognition");
    });
  });
}
