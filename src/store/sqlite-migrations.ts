import type { Database } from "better-sqlite3";
import type { Cycle } from "../domain/model.js";
import { CoachbotError } from "../errors.js";
import { cycleTouchedMs } from "./shared.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: for data no SQL expression can compute. */
  backfill?: (db: Database) => void;
}

/** Numbered schema steps. Append only: a released step is never edited, a new one fixes it. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE roster (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);

      CREATE TABLE cycles (
        district_id TEXT NOT NULL, id TEXT NOT NULL, group_id TEXT NOT NULL,
        observer_id TEXT NOT NULL, observed_id TEXT NOT NULL, prompted_ms INTEGER NOT NULL,
        version INTEGER NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (district_id, id)
      );
      -- Each index ends with the list order (prompted_ms, id), so lists are index ranges with no sort.
      CREATE INDEX cycles_by_observer ON cycles (district_id, observer_id, prompted_ms, id);
      CREATE INDEX cycles_by_observed ON cycles (district_id, observed_id, prompted_ms, id);
      CREATE INDEX cycles_by_group ON cycles (district_id, group_id, prompted_ms, id);
      CREATE INDEX cycles_by_prompted ON cycles (district_id, prompted_ms, id);

      -- The free text has its own column so that feedbackFacts never reads it.
      CREATE TABLE feedback (
        district_id TEXT NOT NULL, cycle_id TEXT NOT NULL, coach_id TEXT NOT NULL, teacher_id TEXT NOT NULL,
        given_ms INTEGER NOT NULL, facts TEXT NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (district_id, cycle_id)
      );
      CREATE INDEX feedback_by_given ON feedback (district_id, given_ms, cycle_id);

      CREATE TABLE contacts (
        district_id TEXT NOT NULL, id TEXT NOT NULL, date TEXT NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (district_id, id)
      );

      CREATE TABLE docs (ns TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (ns, id));

      CREATE TABLE once (key TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL);
      CREATE INDEX once_by_expiry ON once (expires_ms);

      CREATE TABLE locks (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_ms INTEGER NOT NULL);

      CREATE TABLE due (
        key TEXT PRIMARY KEY, district_id TEXT NOT NULL, at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL, payload TEXT NOT NULL
      );
      -- (at_ms, key) is also the take order, so takeDue reads a range of this index and never sorts.
      CREATE INDEX due_by_time ON due (at_ms, key);

      CREATE TABLE outbox (
        district_id TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL,
        lease_until_ms INTEGER, sent_ms INTEGER, platform_ref TEXT, last_error TEXT,
        closed_ms INTEGER, -- when it left pending (sent or dead): orders listOutbox for those states
        PRIMARY KEY (district_id, key)
      );
      -- Both orders match the Redis store's merge order (time, key, district), and need no sort.
      CREATE INDEX outbox_by_attempt ON outbox (state, next_attempt_ms, key, district_id);
      CREATE INDEX outbox_by_closed ON outbox (state, closed_ms, key, district_id);

      -- Counted by triggers so that outboxCounts (a metrics scrape) reads three rows, however many were sent.
      CREATE TABLE outbox_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL);
      INSERT INTO outbox_counts (state, n) VALUES ('pending', 0), ('sent', 0), ('dead', 0);
      CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
        UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state;
      END;
      CREATE TRIGGER outbox_count_update AFTER UPDATE OF state ON outbox WHEN OLD.state <> NEW.state BEGIN
        UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
        UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state;
      END;
      CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
        UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
      END;
    `,
  },
  {
    version: 2,
    name: "cycles by touched time",
    // touched_ms: the latest instant a cycle records (cycleTouchedMs), written with every cycle. The
    // digest reads the cycles touched since the start of its period, not a year of prompts.
    sql: `
      ALTER TABLE cycles ADD COLUMN touched_ms INTEGER;
      CREATE INDEX cycles_by_touched ON cycles (district_id, touched_ms);
    `,
    // Computed by the very function the store writes with, so old and new rows agree to the ms.
    backfill(db) {
      db.function("cycle_touched_ms", { deterministic: true }, (json) =>
        cycleTouchedMs(JSON.parse(String(json)) as Cycle),
      );
      db.exec("UPDATE cycles SET touched_ms = cycle_touched_ms(json)");
    },
  },
  {
    version: 3,
    name: "roster revision",
    sql: "ALTER TABLE roster ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;",
  },
];

/** Brings the schema up to date in one immediate transaction, so two processes never both migrate. */
export function migrate(db: Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
    )`);
    const { current } = db
      .prepare("SELECT coalesce(max(version), 0) AS current FROM schema_migrations")
      .get() as {
      current: number;
    };
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new CoachbotError(
        "STORE_UNAVAILABLE",
        `the database schema is v${current}, newer than this coachbot knows (v${latest})`,
        "run the coachbot version that wrote this database, or a newer one",
      );
    }
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const step of MIGRATIONS.filter((m) => m.version > current)) {
      db.exec(step.sql);
      step.backfill?.(db);
      record.run(step.version, step.name, new Date().toISOString());
    }
  }).immediate();
}
