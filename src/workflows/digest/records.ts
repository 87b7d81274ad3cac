import type { Contact, Cycle, FeedbackFacts } from "../../domain/model.js";
import type { Store } from "../../store/port.js";

// The raw records a report is computed from. Only text-free feedback facts are read.

export interface Records {
  cycles: Cycle[];
  feedback: FeedbackFacts[];
  contacts: Contact[];
}

const DAY = 86_400_000;
/**
 * The store finds cycles by when they were prompted; events are counted when they happen, which can
 * be long after (a booking late in the year). A school year back covers every cycle still moving.
 */
const CYCLE_LOOKBACK_MS = 370 * DAY;

/** Everything that can count in [from, to), for one district. */
export async function loadRecords(
  store: Store,
  districtId: string,
  from: string,
  to: string,
): Promise<Records> {
  const since = new Date(Date.parse(from) - CYCLE_LOOKBACK_MS).toISOString();
  const [cycles, feedback, contacts] = await Promise.all([
    store.cyclesInDistrict(districtId, since, to),
    store.feedbackFacts(districtId, from, to),
    store.contactsForDistrict(districtId),
  ]);
  return { cycles, feedback, contacts };
}
