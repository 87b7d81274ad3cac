import { randomBytes } from "node:crypto";
import type { Contact, Cycle, Feedback, Roster } from "../domain/model.js";
import { isCoachbotError } from "../errors.js";
import type { ChangeSet, DueItem, Store } from "../store/port.js";
import { ALL, withoutNote, withoutText } from "./erase.js";
import { addressedTo, allOutbox } from "./export.js";
import { allDocs, copiesMentioning, mentions, personDocs } from "./person-docs.js";

// Erasing one person. Their cycles, feedback and contacts stay as facts under a pseudonym, the same
// one everywhere, so every aggregate (distinct educators included) counts as before; every free text
// written by or to them goes, and so does every message to them or naming them, every document about
// them and their roster entry. Each district's records change in one ChangeSet.

/** The pseudonym of a forget in progress, so a run that stopped half-way resumes with the same one. */
const PENDING = "forget-pending";
/** Shorter free text is not looked for in other people's messages: it would match unrelated ones. */
const MIN_TEXT_NEEDLE = 16;

export interface ForgetReport {
  cycles: number;
  feedback: number;
  contacts: number;
  due: number;
  outbox: number;
  docs: number;
  /** They were in the stored roster snapshot (and are no longer). */
  roster: boolean;
}

export const nothingForgotten = (r: ForgetReport) =>
  !r.roster && r.cycles + r.feedback + r.contacts + r.due + r.outbox + r.docs === 0;

export async function forgetPerson(store: Store, personId: string): Promise<ForgetReport> {
  const roster = await store.getRoster();
  const person = roster?.people.find((p) => p.id === personId);
  // Random, not a hash of the address: a hash of a guessable e-mail address could be reversed.
  const pending = await store.getDoc<{ pseudonym: string }>(PENDING, personId);
  const pseudonym = pending?.pseudonym ?? `forgotten:${randomBytes(6).toString("hex")}`;
  if (!pending) await store.putDoc(PENDING, personId, { pseudonym });

  const report: ForgetReport = {
    cycles: 0,
    feedback: 0,
    contacts: 0,
    due: 0,
    outbox: 0,
    docs: 0,
    roster: false,
  };
  const theirs = (item: DueItem) => mentions(JSON.stringify([item.key, item.payload]), [personId]);
  const due = (await store.peekDue(ALL, ALL)).filter(theirs);
  const texts: (string | undefined)[] = [];
  for (const district of roster?.districts ?? []) {
    const changes = await retrying(async () => {
      const set = await anonymise(store, district.id, personId, pseudonym, due);
      texts.push(...set.texts);
      await store.apply(set.changes);
      return set.changes;
    });
    report.cycles += changes.cycles?.length ?? 0;
    report.feedback += changes.feedback?.length ?? 0;
    report.contacts += changes.contacts?.length ?? 0;
    report.due += changes.cancelDue?.length ?? 0;
  }

  const needles = [
    personId,
    ...(person ? [person.email, person.name] : []),
    ...texts.filter((t): t is string => (t?.length ?? 0) >= MIN_TEXT_NEEDLE),
  ];
  const messages = (await allOutbox(store)).filter(
    (e) => addressedTo(e, personId) || mentions(JSON.stringify(e.message), needles),
  );
  for (const districtId of new Set(messages.map((e) => e.districtId))) {
    const keys = [...new Set(messages.filter((e) => e.districtId === districtId).map((e) => e.key))];
    await store.apply({ districtId, deleteOutbox: keys });
    report.outbox += keys.length;
  }

  const docs = await allDocs(store);
  const found = new Set([...personDocs(docs, personId), ...copiesMentioning(docs, needles)]);
  for (const doc of [...found].filter((d) => d.ns !== PENDING)) {
    await store.deleteDoc(doc.ns, doc.id);
    report.docs++;
  }
  if (roster && mentions(JSON.stringify(roster), [personId])) {
    await store.replaceRoster(withoutPerson(roster, personId));
    report.roster = true;
  }
  await store.deleteDoc(PENDING, personId);
  await store.finishErasure();
  return report;
}

/** One district's records of the person under the pseudonym, their texts gone; and the texts, to find copies. */
async function anonymise(
  store: Store,
  districtId: string,
  personId: string,
  pseudonym: string,
  due: DueItem[],
) {
  const swap = (id: string) => (id === personId ? pseudonym : id);
  const cycles = await store.cyclesForPerson(districtId, personId);
  const feedback = (
    await Promise.all(cycles.map((c) => store.feedbackFor(districtId, c.id, personId)))
  ).filter((f): f is Feedback => f !== null);
  const contacts = (await store.contactsForDistrict(districtId)).filter((c) => c.loggedBy === personId);
  const changes: ChangeSet = {
    districtId,
    cycles: cycles.map((c) => ({
      cycle: { ...withoutNote(c), observerId: swap(c.observerId), observedId: swap(c.observedId) } as Cycle,
      expectedVersion: c.version,
    })),
    feedback: feedback.map((f) => ({
      ...withoutText(f),
      coachId: swap(f.coachId),
      teacherId: swap(f.teacherId),
    })),
    contacts: contacts.map(({ nextStep, ...c }): Contact => ({ ...c, loggedBy: pseudonym })),
    cancelDue: due.filter((item) => item.districtId === districtId).map((item) => item.key),
  };
  const texts = [
    ...cycles.map((c) => c.note),
    ...feedback.flatMap((f) => [f.glow, f.grow, f.nextStepNote, f.reflection]),
    ...contacts.map((c) => c.nextStep),
  ];
  return { changes, texts };
}

/** A running service may move a cycle between our read and our write: read again and retry. */
async function retrying<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (i >= attempts || !isCoachbotError(e, "STORE_CONFLICT")) throw e;
    }
  }
}

/** The roster without the person: not in people, groups or CST lists (a group left with an empty side goes). */
function withoutPerson(roster: Roster, personId: string): Roster {
  const others = (ids: string[]) => ids.filter((id) => id !== personId);
  return {
    districts: roster.districts.map((d) => ({
      ...d,
      cst: { ...d.cst, facilitators: others(d.cst.facilitators) },
    })),
    people: roster.people.filter((p) => p.id !== personId),
    groups: roster.groups
      .map((g) => ({ ...g, sides: [others(g.sides[0]), others(g.sides[1])] as [string[], string[]] }))
      .filter((g) => g.sides[0].length > 0 && g.sides[1].length > 0),
  };
}
