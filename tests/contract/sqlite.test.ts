// The Store contract on a real SQLite file, plus what only SQLite has: migrations and query plans.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { DUE_BEFORE_SQL, openSqliteStore } from "../../src/store/sqlite.js";
import { MIGRATIONS } from "../../src/store/sqlite-migrations.js";
import { storeContract } from "./store.contract.js";

const dir = mkdtempSync(join(tmpdir(), "coachbot-sqlite-"));
let files = 0;
const freshFile = () => join(dir, `store-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract("sqlite", async () => openSqliteStore(freshFile()));

describe("SQLite store", () => {
  it("applies each migration once, recorded in schema_migrations, and keeps data across reopen", async () => {
    const file = freshFile();
    const first = openSqliteStore(file);
    await first.putDoc("person", "ann", { paused: true });
    await first.close();
    const second = openSqliteStore(file);
    expect(await second.getDoc("person", "ann")).toEqual({ paused: true });
    await second.close();

    const db = new Database(file, { readonly: true });
    const applied = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
    expect(applied).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("refuses a database whose schema is newer than this code", () => {
    const file = freshFile();
    openSqliteStore(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this coachbot/);
  });

  it("takes due items by a range of the due index, never a full scan or a sort", async () => {
    const file = freshFile();
    (await openSqliteStore(file)).close();
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${DUE_BEFORE_SQL}`)
      .all(0, 10)
      .map((row) => (row as { detail: string }).detail);
    db.close();
    expect(plan.join("\n")).toMatch(/SEARCH due USING INDEX due_by_time \(at_ms<\?\)/);
    expect(plan.join("\n")).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});
