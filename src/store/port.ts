import type { Contact, Cycle, Feedback, FeedbackFacts, Roster } from "../domain/model.js";

/**
 * The one storage port. Two implementations (SQLite embedded, Redis shared) pass the same
 * contract suite (tests/contract/store.contract.ts).
 *
 * Everything that changes coaching data goes through `apply`, one district at a time, so a
 * workflow's effects (cycle move + feedback + future work + outgoing messages) land together or
 * not at all. In Redis every key of a district carries the `{district}` hash tag, so one
 * ChangeSet is one MULTI even on a cluster.
 */
export interface Store {
  readonly kind: "sqlite" | "redis";
  /** Resolves when the backing store answers; rejects otherwise (drives /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Roster: a snapshot replaced whole. Readers see the old or the new one, never a mix.
  replaceRoster(roster: Roster): Promise<void>;
  getRoster(): Promise<Roster | null>;
  /**
   * Changes with every replaceRoster (0 before the first): a reader re-reads the roster only when
   * it moved. Written after the snapshot, so a reader that saw the new one may hold the old number
   * for a moment, and re-reads once more; never the reverse.
   */
  rosterRevision(): Promise<number>;

  /** Atomic per district. Throws StoreConflictError (code STORE_CONFLICT) on a stale cycle version. */
  apply(changes: ChangeSet): Promise<void>;

  getCycle(districtId: string, cycleId: string): Promise<Cycle | null>;
  /** Cycles where the person observes or is observed, newest first. */
  cyclesForPerson(districtId: string, personId: string): Promise<Cycle[]>;
  /** Newest first. */
  cyclesForGroup(districtId: string, groupId: string): Promise<Cycle[]>;
  /** Cycles prompted in [from, to), oldest first. */
  cyclesInDistrict(districtId: string, from: string, to: string): Promise<Cycle[]>;
  /**
   * The cycles that can have an event in [from, to): prompted before `to` and touched at or after
   * `from`, where touched is the latest instant the cycle records (cycleTouchedMs in shared.ts: the
   * max of promptedAt, scheduledAt, observedAt, feedbackAt, reflectedAt, closedAt and updatedAt).
   * Every instant a digest, the dashboard or the export counts a cycle by is among those, so the
   * cycles left out have nothing in [from, to). Oldest prompted first, like cyclesInDistrict. Read
   * through an index on touched, so its cost follows the cycles touched since `from`, however long
   * the district's history.
   */
  cyclesTouchedInDistrict(districtId: string, from: string, to: string): Promise<Cycle[]>;

  /** The whole feedback, text included, only when the viewer is its coach or its teacher; else null. */
  feedbackFor(districtId: string, cycleId: string, viewerId: string): Promise<Feedback | null>;
  /** Feedback given in [from, to), without any free text: the only feedback query aggregates use. */
  feedbackFacts(districtId: string, from: string, to: string): Promise<FeedbackFacts[]>;

  contactsForDistrict(districtId: string): Promise<Contact[]>;

  // Small global documents: person state (pause), identities, conversation references,
  // Slack installations, the manual clock. Values are JSON.
  getDoc<T>(ns: string, id: string): Promise<T | null>;
  putDoc<T>(ns: string, id: string, value: T): Promise<void>;
  deleteDoc(ns: string, id: string): Promise<void>;
  listDocs<T>(ns: string): Promise<{ id: string; value: T }[]>;
  /** Every namespace holding a document, sorted: export and erasure look through them all. */
  docNamespaces(): Promise<string[]>;

  /** Set-if-absent with a TTL: true the first time a key is claimed within the TTL. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;

  /** A lease: returns a token, or null when someone else holds it. */
  acquireLock(key: string, ttlMs: number): Promise<string | null>;
  /** Extends the lease only if the token still holds it. */
  renewLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Compare-and-delete: releases only if the token still holds it. */
  releaseLock(key: string, token: string): Promise<boolean>;

  /**
   * Due index. Atomically leases up to `limit` items due at or before `nowMs` (their due time
   * moves to nowMs + leaseMs, so a crashed taker's items come back by themselves). Cost is
   * O(items due), never O(all items).
   */
  takeDue(nowMs: number, limit: number, leaseMs: number): Promise<LeasedDue[]>;
  /** Removes a leased item, unless it was rescheduled since it was taken. */
  completeDue(item: LeasedDue): Promise<void>;
  countDue(): Promise<number>;
  /** Read-only: what takeDue would return now, without leasing (for `tick --dry-run`). */
  peekDue(nowMs: number, limit: number): Promise<DueItem[]>;
  /** One due item by key, or null (used to seed schedules only where none exists). */
  getDue(districtId: string, key: string): Promise<DueItem | null>;

  /**
   * Leases pending outbox entries whose next attempt is due, taking districts in turn (each
   * district's earliest, then each one's next...) so no district's backlog starves another's, and
   * returns them in that order. Each claim counts as an attempt (attempts + 1); leaseUntilMs and
   * nextAttemptMs become nowMs + leaseMs.
   */
  claimOutbox(nowMs: number, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  // mark*: no-op unless the entry is still pending under the caller's leaseUntilMs.
  markSent(entry: OutboxEntry, platformRef: string, atMs: number): Promise<void>;
  markRetry(entry: OutboxEntry, nextAttemptMs: number, error: string): Promise<void>;
  markDead(entry: OutboxEntry, reason: string, atMs: number): Promise<void>;
  /**
   * Hands a claim back unsent (a rate-limit wait, not a failure): the claim's attempt is taken back
   * (attempts - 1), the entry is due again at nextAttemptMs and `note` becomes its lastError.
   * Same lease rule as mark*.
   */
  releaseOutbox(entry: OutboxEntry, nextAttemptMs: number, note: string): Promise<void>;
  getOutbox(districtId: string, key: string): Promise<OutboxEntry | null>;
  /** Pending: next attempt first; sent and dead: the latest first. */
  listOutbox(state: OutboxState, limit: number): Promise<OutboxEntry[]>;
  outboxCounts(): Promise<Record<OutboxState, number>>;
  /** Makes erasures final on disk where the backend keeps copies of old bytes (SQLite's write-ahead log). */
  finishErasure(): Promise<void>;
}

export interface ChangeSet {
  districtId: string;
  /** expectedVersion: the version read before the change (0 for a new cycle). The stored version becomes expectedVersion + 1. */
  cycles?: { cycle: Cycle; expectedVersion: number }[];
  feedback?: Feedback[];
  contacts?: Contact[];
  /** Upsert by key: a second add with the same key moves it. */
  due?: DueItem[];
  /** Applied before `due`, so a set can cancel a key and add it back. */
  cancelDue?: string[];
  /** Insert-if-absent by key: re-adding an existing key changes nothing (idempotency). */
  outbox?: NewOutboxEntry[];
  /** Erasure: these entries go, whatever their state. Applied before `outbox`. */
  deleteOutbox?: string[];
  /** Retention: sent and dead entries that left pending before this instant (ms) go. */
  pruneOutboxBefore?: number;
}

export interface DueItem {
  key: string; // e.g. "remind:day-before:<cycleId>"; unique across districts
  districtId: string;
  atMs: number;
  kind: string;
  payload: Record<string, unknown>;
}

export interface LeasedDue extends DueItem {
  /** The due time written by the lease; completeDue compares it. */
  leaseAtMs: number;
}

export type OutboxState = "pending" | "sent" | "dead";

export interface NewOutboxEntry {
  /** Idempotency key, e.g. "cst-nudge:hillcrest:2026-12:overdue". */
  key: string;
  districtId: string;
  /** Where it goes: a person (resolved at delivery) or a channel. */
  to: { person: string } | { channel: { slack?: string; teams?: string } };
  /** The neutral message (src/ui/model.ts), JSON. */
  message: unknown;
  notBeforeMs: number;
}

export interface OutboxEntry extends NewOutboxEntry {
  state: OutboxState;
  attempts: number;
  nextAttemptMs: number;
  createdMs: number;
  sentMs?: number;
  platformRef?: string;
  lastError?: string;
  /** Set by claimOutbox; mark* compare it so a stale claimer cannot overwrite a newer claim. */
  leaseUntilMs?: number;
}
