import type { District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { LinkSigner } from "../links.js";
import type { ChangeSet, NewOutboxEntry, Store } from "../store/port.js";
import type { Message, Reply, Tone } from "../ui/model.js";

/** What every workflow needs; built once by the composition root. */
export interface WorkflowDeps {
  store: Store;
  roster(): Promise<RosterIndex>;
  links: LinkSigner;
  /** Aggregates over fewer people than this are suppressed (PRIVACY_MIN_GROUP). */
  privacyMinGroup: number;
}

/** A workflow step's result: what the actor sees now, and what is written (atomically) first. */
export interface Outcome {
  reply: Reply;
  changes?: ChangeSet;
}

export function textMessage(key: string, text: string, tone?: Tone): Message {
  return { key, summary: text, blocks: [{ kind: "text", text, ...(tone ? { tone } : {}) }] };
}

export function replyText(key: string, text: string, tone?: Tone): Outcome {
  return { reply: { messages: [textMessage(key, text, tone)] } };
}

export function toPerson(districtId: string, personId: string, message: Message, now: Date): NewOutboxEntry {
  return { key: message.key, districtId, to: { person: personId }, message, notBeforeMs: now.getTime() };
}

export function toChannel(
  districtId: string,
  channel: { slack?: string; teams?: string },
  message: Message,
  now: Date,
): NewOutboxEntry {
  return { key: message.key, districtId, to: { channel }, message, notBeforeMs: now.getTime() };
}

// Button and form contexts carry ids only ("<district>/<cycle>"); whoever acts is re-checked.
export function cycleContext(districtId: string, cycleId: string): string {
  return `${districtId}/${cycleId}`;
}

export function parseCycleContext(context: string): { districtId: string; cycleId: string } | null {
  const m = /^([\w.-]{1,64})\/([\w.:-]{1,128})$/.exec(context);
  return m ? { districtId: m[1]!, cycleId: m[2]! } : null;
}

export interface PersonState {
  /** Local date (inclusive) until which nothing is sent to the person. */
  pausedUntil?: string;
}

export const PERSON_STATE = "person-state";

export async function pausedUntil(
  deps: WorkflowDeps,
  personId: string,
  today: string,
): Promise<string | null> {
  const state = await deps.store.getDoc<PersonState>(PERSON_STATE, personId);
  return state?.pausedUntil && state.pausedUntil >= today ? state.pausedUntil : null;
}

export function requireDistrict(roster: RosterIndex, id: string): District {
  const d = roster.district(id);
  if (!d) throw new Error(`district ${id} is not in the roster`);
  return d;
}
