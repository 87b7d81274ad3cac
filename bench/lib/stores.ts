import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import { openSqliteStore } from "../../src/store/sqlite.js";

// The real stores, each in its own corner: SQLite in a fresh temporary directory, Redis under a
// prefix of its own (REDIS_URL, default 127.0.0.1:6379), both removed when the benchmark ends.

export type StoreKind = "sqlite" | "redis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface BenchStore {
  kind: StoreKind;
  store: Store;
  /** The Redis connection the store uses (counted by countRoundTrips), or null for SQLite. */
  redis: Redis | null;
  /** SQLite file, for SQLite. */
  file?: string;
  /** Key prefix (REDIS_PREFIX), for Redis. */
  prefix?: string;
  /**
   * A second store over the same data whose I/O is counted (SQL statements, or Redis round trips
   * and commands), so that timed runs on `store` carry no counting overhead.
   */
  counted(): Promise<CountedStore>;
  /** Closes the store and deletes what it wrote. */
  dispose(): Promise<void>;
}

export interface CountedStore {
  store: Store;
  reset(): void;
  /** What was counted since the last reset, e.g. "3 SQL statements". */
  read(): string;
  /** The raw counts. */
  counts(): { roundTrips: number; commands: number };
  close(): Promise<void>;
}

export async function openBenchStore(kind: StoreKind, name: string): Promise<BenchStore> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `coachbot-bench-${name}-`));
    const file = join(dir, "coachbot.db");
    const store = openSqliteStore(file);
    return {
      kind,
      store,
      redis: null,
      file,
      async counted() {
        const counter = countSqliteStatements();
        const counted = openSqliteStore(file);
        counter.stop();
        return {
          store: counted,
          reset: counter.reset,
          read: () => `${counter.read()} SQL statements`,
          counts: () => ({ roundTrips: counter.read(), commands: counter.read() }),
          close: () => counted.close(),
        };
      },
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const prefix = `bench:${name}:${process.pid}:`.slice(0, 32);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  await deleteKeys(redis, prefix);
  const store = openRedisStore({ client: redis, prefix });
  return {
    kind,
    store,
    redis,
    prefix,
    async counted() {
      const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
      // Connected first, so that the connection's own commands (ready check) are not counted.
      await client.ping();
      const counter = countRoundTrips(client);
      return {
        store: openRedisStore({ client, prefix }),
        reset: counter.reset,
        read: () => {
          const n = counter.read();
          return `${n.roundTrips.toLocaleString("en-US")} round trips, ${n.commands.toLocaleString("en-US")} commands`;
        },
        counts: counter.read,
        close: async () => void (await client.quit()),
      };
    },
    async dispose() {
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** Deletes every key under a prefix (SCAN + UNLINK, never KEYS). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 5000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

/**
 * Counts what a Redis connection sends: commands, and round trips (a pipeline or MULTI is one
 * round trip however many commands it carries). Wraps the client in place; returns a reader.
 */
export function countRoundTrips(redis: Redis) {
  const counts = { commands: 0, roundTrips: 0 };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
    counts.commands++;
    // A pipeline hands each of its commands over with a stream marked isPipeline: one round trip for all.
    const stream = args[1] as { isPipeline?: boolean } | undefined;
    if (!stream?.isPipeline) counts.roundTrips++;
    return send(...args);
  }) as Redis["sendCommand"];
  const pipeline = redis.pipeline.bind(redis);
  redis.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
    const p = pipeline(...args);
    const exec = p.exec.bind(p);
    p.exec = ((...execArgs: Parameters<typeof p.exec>) => {
      if (p.length > 0) counts.roundTrips++;
      return exec(...execArgs);
    }) as typeof p.exec;
    return p;
  }) as Redis["pipeline"];
  return {
    read: () => ({ ...counts }),
    reset: () => {
      counts.commands = 0;
      counts.roundTrips = 0;
    },
  };
}

/**
 * Counts the SQL statements every SQLite store opened after this call (until stop()) executes (run/get/all/iterate
 * of prepared statements; a transaction's statements count one each). Patches better-sqlite3.
 */
export function countSqliteStatements() {
  const counts = { statements: 0 };
  const proto = Database.prototype as unknown as { prepare: (sql: string) => unknown };
  const prepare = proto.prepare;
  const restore = () => {
    proto.prepare = prepare;
  };
  proto.prepare = function (this: unknown, sql: string) {
    const statement = prepare.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
    for (const method of ["run", "get", "all", "iterate"]) {
      const original = statement[method]!;
      statement[method] = (...a: unknown[]) => {
        counts.statements++;
        return original.apply(statement, a);
      };
    }
    return statement;
  };
  return {
    read: () => counts.statements,
    reset: () => {
      counts.statements = 0;
    },
    /** Stores opened from now on are not counted (those opened before still are). */
    stop: restore,
  };
}
