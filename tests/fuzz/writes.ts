import { createHash } from "node:crypto";
import Database from "better-sqlite3";

// What a rejected request may not change: every row of coaching data, documents, future work and
// outgoing messages. (Idempotency claims and locks are bookkeeping, not data, and are left out.)
const TABLES = ["roster", "cycles", "feedback", "contacts", "docs", "due", "outbox"];

/** A fingerprint of everything the service has written, read through a second connection. */
export function writeWatcher(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const reads = TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`));
  return {
    fingerprint(): string {
      const hash = createHash("sha256");
      for (const read of reads) hash.update(JSON.stringify(read.raw().all()));
      return hash.digest("hex");
    },
    close: () => db.close(),
  };
}

/** How many cases each endpoint gets: CI runs the full 10,000; FUZZ_RUNS lowers it while developing. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
