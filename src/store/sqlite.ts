// The embedded Store: one SQLite file (WAL), for a single-process deployment.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { Contact, Cycle, FeedbackFacts, Roster } from "../domain/model.js";
import { StoreConflictError } from "../errors.js";
import type { ChangeSet, DueItem, LeasedDue, OutboxEntry, OutboxState, Store } from "./port.js";
import {
  assertChangeSet,
  assertLease,
  cycleTouchedMs,
  instantMs,
  joinFeedback,
  type OutboxOutcome,
  outboxBody,
  outboxEntry,
  outboxOutcome,
  splitFeedback,
  zeroOutboxCounts,
} from "./shared.js";
import { migrate } from "./sqlite-migrations.js";

/** takeDue's read: a range of the (at_ms, key) index, exported so a test can check its query plan. */
export const DUE_BEFORE_SQL =
  "SELECT key, district_id, at_ms, kind, payload FROM due WHERE at_ms <= ? ORDER BY at_ms, key LIMIT ?";

/**
 * cyclesTouchedInDistrict's read: a range of the touched index. Named, because the (prompted_ms, id)
 * index would also serve the ORDER BY, and reading it would mean the district's whole past; exported
 * so a test can check the query plan.
 */
export const CYCLES_TOUCHED_SQL = `SELECT json FROM cycles INDEXED BY cycles_by_touched
  WHERE district_id = ? AND touched_ms >= ? AND prompted_ms < ? ORDER BY prompted_ms, id`;

const OUTBOX_COLUMNS =
  "body, state, attempts, next_attempt_ms, lease_until_ms, sent_ms, platform_ref, last_error";

interface OutboxRow {
  body: string;
  state: OutboxState;
  attempts: number;
  next_attempt_ms: number;
  lease_until_ms: number | null;
  sent_ms: number | null;
  platform_ref: string | null;
  last_error: string | null;
}

function fromOutboxRow(row: OutboxRow): OutboxEntry {
  return outboxEntry(row.body, {
    state: row.state,
    attempts: row.attempts,
    nextAttemptMs: row.next_attempt_ms,
    leaseUntilMs: row.lease_until_ms,
    sentMs: row.sent_ms,
    platformRef: row.platform_ref,
    lastError: row.last_error,
  });
}

interface DueRow {
  key: string;
  district_id: string;
  at_ms: number;
  kind: string;
  payload: string;
}

function fromDueRow(row: DueRow): DueItem {
  return {
    key: row.key,
    districtId: row.district_id,
    atMs: row.at_ms,
    kind: row.kind,
    payload: JSON.parse(row.payload),
  };
}

const parseAll = <T>(rows: { json: string }[]): T[] => rows.map((row) => JSON.parse(row.json) as T);

export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // With WAL, NORMAL loses nothing on a process crash; only an OS crash may drop the last commits.
  db.pragma("synchronous = NORMAL");
  // Deleted and overwritten bytes are zeroed, so erased coaching text does not linger in free space.
  db.pragma("secure_delete = ON");
  migrate(db);

  type Json = { json: string };
  const q = {
    getRoster: db.prepare<[], Json>("SELECT json FROM roster WHERE id = 1"),
    putRoster: db.prepare<[string]>(
      `INSERT INTO roster (id, json) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET json = excluded.json, revision = revision + 1`,
    ),
    rosterRevision: db.prepare<[], { revision: number }>("SELECT revision FROM roster WHERE id = 1"),

    cycleVersion: db.prepare<[string, string], { version: number }>(
      "SELECT version FROM cycles WHERE district_id = ? AND id = ?",
    ),
    putCycle: db.prepare<[string, string, string, string, string, number, number, number, string]>(
      `INSERT OR REPLACE INTO cycles
         (district_id, id, group_id, observer_id, observed_id, prompted_ms, touched_ms, version, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getCycle: db.prepare<[string, string], Json>("SELECT json FROM cycles WHERE district_id = ? AND id = ?"),
    // A UNION, so each side reads its own index (an OR would read the whole district).
    cyclesForPerson: db.prepare<[string, string, string, string], Json>(
      `SELECT json, prompted_ms, id FROM cycles WHERE district_id = ? AND observer_id = ?
       UNION SELECT json, prompted_ms, id FROM cycles WHERE district_id = ? AND observed_id = ?
       ORDER BY prompted_ms DESC, id DESC`,
    ),
    cyclesForGroup: db.prepare<[string, string], Json>(
      "SELECT json FROM cycles WHERE district_id = ? AND group_id = ? ORDER BY prompted_ms DESC, id DESC",
    ),
    cyclesInDistrict: db.prepare<[string, number, number], Json>(
      `SELECT json FROM cycles WHERE district_id = ? AND prompted_ms >= ? AND prompted_ms < ?
       ORDER BY prompted_ms, id`,
    ),
    cyclesTouchedInDistrict: db.prepare<[string, number, number], Json>(CYCLES_TOUCHED_SQL),

    putFeedback: db.prepare<[string, string, string, string, number, string, string]>(
      `INSERT OR REPLACE INTO feedback (district_id, cycle_id, coach_id, teacher_id, given_ms, facts, text)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The participant check is in the query, so text never leaves the database for anyone else.
    feedbackFor: db.prepare<[string, string, string, string], { facts: string; text: string }>(
      `SELECT facts, text FROM feedback
       WHERE district_id = ? AND cycle_id = ? AND (coach_id = ? OR teacher_id = ?)`,
    ),
    feedbackFacts: db.prepare<[string, number, number], { facts: string }>(
      `SELECT facts FROM feedback WHERE district_id = ? AND given_ms >= ? AND given_ms < ?
       ORDER BY given_ms, cycle_id`,
    ),

    putContact: db.prepare<[string, string, string, string]>(
      "INSERT OR REPLACE INTO contacts (district_id, id, date, json) VALUES (?, ?, ?, ?)",
    ),
    contacts: db.prepare<[string], Json>("SELECT json FROM contacts WHERE district_id = ? ORDER BY date, id"),

    getDoc: db.prepare<[string, string], Json>("SELECT json FROM docs WHERE ns = ? AND id = ?"),
    putDoc: db.prepare<[string, string, string]>(
      "INSERT OR REPLACE INTO docs (ns, id, json) VALUES (?, ?, ?)",
    ),
    deleteDoc: db.prepare<[string, string]>("DELETE FROM docs WHERE ns = ? AND id = ?"),
    listDocs: db.prepare<[string], { id: string; json: string }>(
      "SELECT id, json FROM docs WHERE ns = ? ORDER BY id",
    ),
    docNamespaces: db.prepare<[], { ns: string }>("SELECT DISTINCT ns FROM docs ORDER BY ns"),

    // Expired rows are purged first, so the insert that follows only meets live claims and locks.
    purgeOnce: db.prepare<[number]>("DELETE FROM once WHERE expires_ms <= ?"),
    addOnce: db.prepare<[string, number]>("INSERT OR IGNORE INTO once (key, expires_ms) VALUES (?, ?)"),
    purgeLock: db.prepare<[string, number]>("DELETE FROM locks WHERE key = ? AND expires_ms <= ?"),
    addLock: db.prepare<[string, string, number]>(
      "INSERT OR IGNORE INTO locks (key, token, expires_ms) VALUES (?, ?, ?)",
    ),
    renewLock: db.prepare<[number, string, string, number]>(
      "UPDATE locks SET expires_ms = ? WHERE key = ? AND token = ? AND expires_ms > ?",
    ),
    releaseLock: db.prepare<[string, string, number]>(
      "DELETE FROM locks WHERE key = ? AND token = ? AND expires_ms > ?",
    ),

    putDue: db.prepare<[string, string, number, string, string]>(
      "INSERT OR REPLACE INTO due (key, district_id, at_ms, kind, payload) VALUES (?, ?, ?, ?, ?)",
    ),
    cancelDue: db.prepare<[string, string]>("DELETE FROM due WHERE district_id = ? AND key = ?"),
    dueBefore: db.prepare<[number, number], DueRow>(DUE_BEFORE_SQL),
    getDue: db.prepare<[string, string], DueRow>(
      "SELECT key, district_id, at_ms, kind, payload FROM due WHERE district_id = ? AND key = ?",
    ),
    leaseDue: db.prepare<[number, string]>("UPDATE due SET at_ms = ? WHERE key = ?"),
    completeDue: db.prepare<[string, string, number]>(
      "DELETE FROM due WHERE district_id = ? AND key = ? AND at_ms = ?",
    ),
    countDue: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM due"),

    addOutbox: db.prepare<[string, string, string, number]>(
      `INSERT OR IGNORE INTO outbox (district_id, key, body, state, attempts, next_attempt_ms)
       VALUES (?, ?, ?, 'pending', 0, ?)`,
    ),
    // Round-robin over districts (each one's earliest first, then each one's second...), so one
    // district's backlog cannot fill every claim while another's waits: districts map to
    // workspaces and tenants, whose rate limits are separate, and are served side by side.
    outboxDue: db.prepare<[number, number], { district_id: string; key: string }>(
      `SELECT district_id, key FROM (
         SELECT district_id, key, next_attempt_ms,
           ROW_NUMBER() OVER (PARTITION BY district_id ORDER BY next_attempt_ms, key) AS turn
         FROM outbox WHERE state = 'pending' AND next_attempt_ms <= ?)
       ORDER BY turn, next_attempt_ms, key, district_id LIMIT ?`,
    ),
    leaseOutbox: db.prepare<[number, number, string, string], OutboxRow>(
      `UPDATE outbox SET attempts = attempts + 1, lease_until_ms = ?, next_attempt_ms = ?
       WHERE district_id = ? AND key = ? RETURNING ${OUTBOX_COLUMNS}`,
    ),
    markOutbox: db.prepare<
      [
        {
          state: OutboxState;
          next_attempt_ms: number | null;
          sent_ms: number | null;
          platform_ref: string | null;
          last_error: string | null;
          closed_ms: number | null;
          district_id: string;
          key: string;
          lease: number | null;
        },
      ]
    >(
      `UPDATE outbox SET state = @state, next_attempt_ms = coalesce(@next_attempt_ms, next_attempt_ms),
         sent_ms = coalesce(@sent_ms, sent_ms), platform_ref = coalesce(@platform_ref, platform_ref),
         last_error = coalesce(@last_error, last_error), closed_ms = @closed_ms, lease_until_ms = NULL
       WHERE district_id = @district_id AND key = @key AND state = 'pending' AND lease_until_ms IS @lease`,
    ),
    // The lease check makes attempts - 1 exact: nobody has claimed the entry since this caller did.
    releaseOutbox: db.prepare<[number, string, string, string, number | null]>(
      `UPDATE outbox SET attempts = attempts - 1, next_attempt_ms = ?, last_error = ?, lease_until_ms = NULL
       WHERE district_id = ? AND key = ? AND state = 'pending' AND lease_until_ms IS ?`,
    ),
    getOutbox: db.prepare<[string, string], OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE district_id = ? AND key = ?`,
    ),
    listPending: db.prepare<[number], OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE state = 'pending'
       ORDER BY next_attempt_ms, key, district_id LIMIT ?`,
    ),
    listClosed: db.prepare<[OutboxState, number], OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE state = ?
       ORDER BY closed_ms DESC, key DESC, district_id DESC LIMIT ?`,
    ),
    outboxCounts: db.prepare<[], { state: OutboxState; n: number }>("SELECT state, n FROM outbox_counts"),
    deleteOutbox: db.prepare<[string, string]>("DELETE FROM outbox WHERE district_id = ? AND key = ?"),
    pruneOutbox: db.prepare<[string, number]>(
      "DELETE FROM outbox WHERE district_id = ? AND state IN ('sent', 'dead') AND closed_ms < ?",
    ),
  };

  const apply = db.transaction((changes: ChangeSet) => {
    const d = changes.districtId;
    for (const { cycle, expectedVersion } of changes.cycles ?? []) {
      const stored = q.cycleVersion.get(d, cycle.id)?.version ?? 0;
      if (stored !== expectedVersion) throw new StoreConflictError(`cycle ${cycle.id}`);
      const version = expectedVersion + 1;
      const { id, groupId, observerId, observedId, promptedAt } = cycle;
      const json = JSON.stringify({ ...cycle, version });
      const prompted = instantMs(promptedAt);
      q.putCycle.run(d, id, groupId, observerId, observedId, prompted, cycleTouchedMs(cycle), version, json);
    }
    for (const f of changes.feedback ?? []) {
      const { facts, text } = splitFeedback(f);
      const given = instantMs(f.givenAt);
      q.putFeedback.run(
        d,
        f.cycleId,
        f.coachId,
        f.teacherId,
        given,
        JSON.stringify(facts),
        JSON.stringify(text),
      );
    }
    for (const c of changes.contacts ?? []) q.putContact.run(d, c.id, c.date, JSON.stringify(c));
    for (const key of changes.cancelDue ?? []) q.cancelDue.run(d, key);
    for (const item of changes.due ?? []) {
      q.putDue.run(item.key, d, item.atMs, item.kind, JSON.stringify(item.payload));
    }
    for (const key of changes.deleteOutbox ?? []) q.deleteOutbox.run(d, key);
    if (changes.pruneOutboxBefore !== undefined) q.pruneOutbox.run(d, changes.pruneOutboxBefore);
    const now = Date.now();
    for (const e of changes.outbox ?? []) q.addOutbox.run(d, e.key, outboxBody(e, now), e.notBeforeMs);
  });

  const takeDue = db.transaction((nowMs: number, limit: number, leaseMs: number): LeasedDue[] => {
    const leaseAtMs = nowMs + leaseMs;
    return q.dueBefore.all(nowMs, limit).map((row) => {
      q.leaseDue.run(leaseAtMs, row.key);
      return { ...fromDueRow(row), leaseAtMs };
    });
  });

  const claimOutbox = db.transaction((nowMs: number, limit: number, leaseMs: number): OutboxEntry[] => {
    const until = nowMs + leaseMs;
    return q.outboxDue.all(nowMs, limit).map(({ district_id, key }) => {
      // The next attempt is the lease end: a crashed claimer's entries come back by themselves.
      return fromOutboxRow(q.leaseOutbox.get(until, until, district_id, key)!);
    });
  });

  const claimOnce = db.transaction((key: string, ttlMs: number): boolean => {
    const now = Date.now();
    q.purgeOnce.run(now);
    return q.addOnce.run(key, now + ttlMs).changes === 1;
  });

  const acquireLock = db.transaction((key: string, ttlMs: number): string | null => {
    const now = Date.now();
    q.purgeLock.run(key, now);
    const token = randomUUID();
    return q.addLock.run(key, token, now + ttlMs).changes === 1 ? token : null;
  });

  function mark(entry: OutboxEntry, outcome: OutboxOutcome): void {
    const { set } = outcome;
    q.markOutbox.run({
      state: outcome.state,
      next_attempt_ms: set.nextAttemptMs ?? null,
      sent_ms: set.sentMs ?? null,
      platform_ref: set.platformRef ?? null,
      last_error: set.lastError ?? null,
      closed_ms: outcome.state === "pending" ? null : outcome.orderMs,
      district_id: entry.districtId,
      key: entry.key,
      lease: entry.leaseUntilMs ?? null,
    });
  }

  return {
    kind: "sqlite",
    async ping() {
      db.prepare("SELECT 1").get();
    },
    async close() {
      db.close();
    },

    async replaceRoster(roster) {
      q.putRoster.run(JSON.stringify(roster));
    },
    async getRoster() {
      const row = q.getRoster.get();
      return row ? (JSON.parse(row.json) as Roster) : null;
    },
    async rosterRevision() {
      return q.rosterRevision.get()?.revision ?? 0;
    },

    async apply(changes) {
      assertChangeSet(changes);
      apply.immediate(changes);
    },

    async getCycle(districtId, cycleId) {
      const row = q.getCycle.get(districtId, cycleId);
      return row ? (JSON.parse(row.json) as Cycle) : null;
    },
    async cyclesForPerson(districtId, personId) {
      return parseAll<Cycle>(q.cyclesForPerson.all(districtId, personId, districtId, personId));
    },
    async cyclesForGroup(districtId, groupId) {
      return parseAll<Cycle>(q.cyclesForGroup.all(districtId, groupId));
    },
    async cyclesInDistrict(districtId, from, to) {
      return parseAll<Cycle>(q.cyclesInDistrict.all(districtId, instantMs(from), instantMs(to)));
    },

    async cyclesTouchedInDistrict(districtId, from, to) {
      const rows = q.cyclesTouchedInDistrict.all(districtId, instantMs(from), instantMs(to));
      return parseAll<Cycle>(rows);
    },

    async feedbackFor(districtId, cycleId, viewerId) {
      const row = q.feedbackFor.get(districtId, cycleId, viewerId, viewerId);
      return row ? joinFeedback(row.facts, row.text) : null;
    },
    async feedbackFacts(districtId, from, to) {
      const rows = q.feedbackFacts.all(districtId, instantMs(from), instantMs(to));
      return rows.map((row) => JSON.parse(row.facts) as FeedbackFacts);
    },

    async contactsForDistrict(districtId) {
      return parseAll<Contact>(q.contacts.all(districtId));
    },

    async getDoc<T>(ns: string, id: string) {
      const row = q.getDoc.get(ns, id);
      return row ? (JSON.parse(row.json) as T) : null;
    },
    async putDoc(ns, id, value) {
      q.putDoc.run(ns, id, JSON.stringify(value));
    },
    async deleteDoc(ns, id) {
      q.deleteDoc.run(ns, id);
    },
    async listDocs<T>(ns: string) {
      return q.listDocs.all(ns).map((row) => ({ id: row.id, value: JSON.parse(row.json) as T }));
    },
    async docNamespaces() {
      return q.docNamespaces.all().map((row) => row.ns);
    },

    async claimOnce(key, ttlMs) {
      return claimOnce.immediate(key, ttlMs);
    },
    async acquireLock(key, ttlMs) {
      return acquireLock.immediate(key, ttlMs);
    },
    async renewLock(key, token, ttlMs) {
      const now = Date.now();
      return q.renewLock.run(now + ttlMs, key, token, now).changes === 1;
    },
    async releaseLock(key, token) {
      return q.releaseLock.run(key, token, Date.now()).changes === 1;
    },

    async takeDue(nowMs, limit, leaseMs) {
      assertLease(limit, leaseMs);
      return takeDue.immediate(nowMs, limit, leaseMs);
    },
    async completeDue(item) {
      q.completeDue.run(item.districtId, item.key, item.leaseAtMs);
    },
    async countDue() {
      return q.countDue.get()!.n;
    },
    async peekDue(nowMs, limit) {
      return q.dueBefore.all(nowMs, limit).map(fromDueRow);
    },
    async getDue(districtId, key) {
      const row = q.getDue.get(districtId, key);
      return row ? fromDueRow(row) : null;
    },

    async claimOutbox(nowMs, limit, leaseMs) {
      assertLease(limit, leaseMs);
      return claimOutbox.immediate(nowMs, limit, leaseMs);
    },
    async markSent(entry, platformRef, atMs) {
      mark(entry, outboxOutcome.sent(platformRef, atMs));
    },
    async markRetry(entry, nextAttemptMs, error) {
      mark(entry, outboxOutcome.retry(nextAttemptMs, error));
    },
    async markDead(entry, reason, atMs) {
      mark(entry, outboxOutcome.dead(reason, atMs));
    },
    async releaseOutbox(entry, nextAttemptMs, note) {
      q.releaseOutbox.run(nextAttemptMs, note, entry.districtId, entry.key, entry.leaseUntilMs ?? null);
    },
    async getOutbox(districtId, key) {
      const row = q.getOutbox.get(districtId, key);
      return row ? fromOutboxRow(row) : null;
    },
    async listOutbox(state, limit) {
      const rows = state === "pending" ? q.listPending.all(limit) : q.listClosed.all(state, limit);
      return rows.map(fromOutboxRow);
    },
    async outboxCounts() {
      const counts = zeroOutboxCounts();
      for (const { state, n } of q.outboxCounts.all()) counts[state] = n;
      return counts;
    },
    async finishErasure() {
      // Old page images stay in the write-ahead log until it is checkpointed and cut back to nothing.
      db.pragma("wal_checkpoint(TRUNCATE)");
    },
  };
}
