import type { Contact, Cycle, Feedback, Person } from "../domain/model.js";
import type { OutboxEntry, Store } from "../store/port.js";
import { OUTBOX_STATES } from "../store/shared.js";
import { ALL } from "./erase.js";
import { allDocs, type Doc, personDocs } from "./person-docs.js";

// Everything the bot holds about one person, for a subject access request. Feedback text is read
// the one way the store gives it out, as one of its two participants: the person themself.

export interface PersonExport {
  person: string;
  exportedAt: string;
  roster: {
    entry: Person | null;
    /** Groups they coach in: ids, structure and focus, not the other members. */
    groups: { id: string; structure: string; focus: string }[];
    /** Districts whose CST they facilitate. */
    facilitates: string[];
  };
  cycles: Cycle[];
  feedback: Feedback[];
  contacts: Contact[];
  outbox: OutboxEntry[];
  docs: Doc[];
}

/** Every outbox entry, in every state and district. */
export async function allOutbox(store: Store): Promise<OutboxEntry[]> {
  return (await Promise.all(OUTBOX_STATES.map((state) => store.listOutbox(state, ALL)))).flat();
}

export const addressedTo = (entry: OutboxEntry, personId: string) =>
  "person" in entry.to && entry.to.person === personId;

export async function exportPerson(store: Store, personId: string, now: Date): Promise<PersonExport> {
  const roster = await store.getRoster();
  const districts = roster?.districts ?? [];
  const cycles = (await Promise.all(districts.map((d) => store.cyclesForPerson(d.id, personId)))).flat();
  const feedback = await Promise.all(cycles.map((c) => store.feedbackFor(c.districtId, c.id, personId)));
  const contacts = (await Promise.all(districts.map((d) => store.contactsForDistrict(d.id))))
    .flat()
    .filter((c) => c.loggedBy === personId);
  return {
    person: personId,
    exportedAt: now.toISOString(),
    roster: {
      entry: roster?.people.find((p) => p.id === personId) ?? null,
      groups: (roster?.groups ?? [])
        .filter((g) => g.sides.flat().includes(personId))
        .map(({ id, structure, focus }) => ({ id, structure, focus })),
      facilitates: districts.filter((d) => d.cst.facilitators.includes(personId)).map((d) => d.id),
    },
    cycles,
    feedback: feedback.filter((f): f is Feedback => f !== null),
    contacts,
    outbox: (await allOutbox(store)).filter((e) => addressedTo(e, personId)),
    docs: personDocs(await allDocs(store), personId),
  };
}
