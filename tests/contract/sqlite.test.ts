// The Store contract on a real SQLite file, plus what only SQLite has: migrations and query plans.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { Cycle } from "../../src/domain/model.js";
import { CYCLES_TOUCHED_SQL, DUE_BEFORE_SQL, openSqliteStore } from "../../src/store/sqlite.js";
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

  it("indexes the cycles written before the touched index existed, as they are written now", async () => {
    const file = freshFile();
    // A database as the first release left it: schema v1, cycles without touched_ms.
    const v1 = new Database(file);
    v1.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    v1.exec(MIGRATIONS[0]!.sql);
    v1.prepare("INSERT INTO schema_migrations VALUES (1, ?, 'then')").run(MIGRATIONS[0]!.name);
    const at = (h: number) => new Date(Date.UTC(2026, 9, 1) + h * 3_600_000).toISOString();
    const old = (id: string, over: Partial<Cycle>): Cycle => ({
      id,
      groupId: "g1",
      districtId: "hillcrest",
      seq: 1,
      observerId: "ann",
      observedId: "bob",
      focus: "Feedback",
      state: "scheduled",
      promptedAt: at(-500),
      reschedules: 0,
      nudges: 0,
      updatedAt: at(-400),
      version: 1,
      ...over,
    });
    const insert = v1.prepare(
      `INSERT INTO cycles (district_id, id, group_id, observer_id, observed_id, prompted_ms, version, json)
       VALUES ('hillcrest', ?, 'g1', 'ann', 'bob', ?, 1, ?)`,
    );
    const cycles = [
      old("quiet", {}),
      old("booked-late", { scheduledAt: at(5) }),
      old("closed-late", { closedAt: at(1), state: "missed" }),
      old("moved-late", { updatedAt: at(0) }),
    ];
    for (const c of cycles) insert.run(c.id, Date.parse(c.promptedAt), JSON.stringify(c));
    v1.close();

    const store = openSqliteStore(file);
    expect((await store.cyclesTouchedInDistrict("hillcrest", at(0), at(24))).map((c) => c.id)).toEqual([
      "booked-late",
      "closed-late",
      "moved-late",
    ]);
    // Written now, the same cycle gets the same touched time as the backfill gave it.
    await store.apply({ districtId: "hillcrest", cycles: [{ cycle: old("fresh", {}), expectedVersion: 0 }] });
    await store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT id, touched_ms FROM cycles ORDER BY id").all();
    db.close();
    expect(rows).toEqual([
      { id: "booked-late", touched_ms: Date.parse(at(5)) },
      { id: "closed-late", touched_ms: Date.parse(at(1)) },
      { id: "fresh", touched_ms: Date.parse(at(-400)) },
      { id: "moved-late", touched_ms: Date.parse(at(0)) },
      { id: "quiet", touched_ms: Date.parse(at(-400)) },
    ]);
  });

  it("reads the cycles that can count by a range of the touched index, never the prompted one", async () => {
    const file = freshFile();
    (await openSqliteStore(file)).close();
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${CYCLES_TOUCHED_SQL}`)
      .all("hillcrest", 0, 10)
      .map((row) => (row as { detail: string }).detail);
    db.close();
    expect(plan.join("\n")).toMatch(
      /SEARCH cycles USING INDEX cycles_by_touched \(district_id=\? AND touched_ms>\?\)/,
    );
    expect(plan.join("\n")).not.toMatch(/SCAN|cycles_by_prompted/);
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
