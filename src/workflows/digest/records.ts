import type { Contact, Cycle, FeedbackFacts } from "../../domain/model.js";
import type { Store } from "../../store/port.js";

// The raw records a report is computed from. Only text-free feedback facts are read.

export interface Records {
  cycles: Cycle[];
  feedback: FeedbackFacts[];
  contacts: Contact[];
}

/**
 * Everything that can count in [from, to), for one district. A cycle's events are counted when they
 * happen, which can be long after its prompt (a booking late in the year), so its cycles are the
 * ones prompted before `to` and touched (their latest recorded instant) at or after `from`: the
 * store reads them through an index on touched, not a year of prompts.
 */
export async function loadRecords(
  store: Store,
  districtId: string,
  from: string,
  to: string,
): Promise<Records> {
  const [cycles, feedback, contacts] = await Promise.all([
    store.cyclesTouchedInDistrict(districtId, from, to),
    store.feedbackFacts(districtId, from, to),
    store.contactsForDistrict(districtId),
  ]);
  return { cycles, feedback, contacts };
}
