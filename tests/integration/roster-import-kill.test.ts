// Crash test for the all-or-nothing roster import: a child process imports large rosters A and B in
// turn and is SIGKILLed at random moments, some aimed at the store write itself. After every kill
// the stored roster must be exactly the initial one, A, or B: never a mix.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Roster } from "../../src/domain/model.js";
import { loadRoster } from "../../src/roster/load.js";
import type { Store } from "../../src/store/port.js";
import { openRedisStore } from "../../src/store/redis.js";
import { openSqliteStore } from "../../src/store/sqlite.js";

const CHILD = fileURLToPath(new URL("../fixtures/roster-import-child.ts", import.meta.url));
const INITIAL = fileURLToPath(new URL("../fixtures/roster/valid.yaml", import.meta.url));
const REDIS_URL = "redis://127.0.0.1:6379";
const ROUNDS = 6;

function generateRoster(tag: string, people: number): string {
  const lines = [
    "districts:",
    `  - { id: big-${tag}, name: Big ${tag} R-I, timezone: America/Chicago, workHours: { start: "07:30", end: "16:00" },`,
    "      calendar: { firstDay: 2026-08-17, lastDay: 2027-05-21 }, buildings: [{ id: big-hs, name: Big High }] }",
    "people:",
  ];
  for (let i = 0; i < people; i++) {
    lines.push(
      `  - { email: ${tag}-${i}@big.example.org, name: Person ${i}, district: big-${tag}, building: big-hs, roles: [teacher], teams: [t${i % 50}] }`,
    );
  }
  lines.push("coaching:");
  for (let i = 0; i + 1 < people; i += 20) {
    const members = `[${tag}-${i}@big.example.org, ${tag}-${i + 1}@big.example.org]`;
    lines.push(
      `  - { id: g${i}, structure: peer-to-peer, members: ${members}, focus: Feedback, observeEvery: 3 weeks }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The person count and a checksum of the whole roster: any mix of two rosters changes it. */
function fingerprint(roster: Roster | null): string {
  if (!roster) return "none";
  return `${roster.people.length}:${createHash("sha256").update(JSON.stringify(roster)).digest("hex")}`;
}

async function load(path: string): Promise<Roster> {
  const result = await loadRoster(path);
  if (!result.ok) throw new Error(JSON.stringify(result.issues.slice(0, 3)));
  return result.roster;
}

/** Runs the child and SIGKILLs it: at a random time, or just after its n-th "writing" line. */
async function runAndKill(
  args: string[],
  kill: { afterMs: number } | { onWrite: number; jitterMs: number },
): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let writes = 0;
  const killNow = () => child.kill("SIGKILL");
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (line !== "writing") continue;
      writes++;
      if ("onWrite" in kill && writes === kill.onWrite) setTimeout(killNow, kill.jitterMs);
    }
  });
  const timer = "afterMs" in kill ? setTimeout(killNow, kill.afterMs) : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  if (signal !== "SIGKILL") throw new Error(`child exited by itself (code ${code}): ${stderr}`);
}

describe("roster import survives SIGKILL", () => {
  let dir: string;
  let a: string;
  let b: string;
  let allowed: Map<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-kill-"));
    a = join(dir, "a.yaml");
    b = join(dir, "b.yaml");
    writeFileSync(a, generateRoster("a", 5000));
    writeFileSync(b, generateRoster("b", 5001));
    allowed = new Map([
      [fingerprint(await load(INITIAL)), "initial"],
      [fingerprint(await load(a)), "A"],
      [fingerprint(await load(b)), "B"],
    ]);
    expect(allowed.size).toBe(3);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Seeds the initial roster, then kills importers round after round, checking the store after each. */
  async function crashRounds(open: () => Store, childArgs: string[]) {
    const seed = open();
    await seed.replaceRoster(await load(INITIAL));
    await seed.close();
    const seen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const files = round % 2 ? [b, a] : [a, b];
      const kill =
        round % 2
          ? { onWrite: 1 + (round % 3 === 0 ? 1 : 0), jitterMs: Math.floor(Math.random() * 15) }
          : { afterMs: 200 + Math.floor(Math.random() * 1600) };
      await runAndKill([...childArgs, ...files], kill);
      const store = open();
      const found = allowed.get(fingerprint(await store.getRoster()));
      await store.close();
      expect(found, `round ${round}: the stored roster is a mix or corrupt`).toBeDefined();
      seen.push(found!);
    }
    return seen;
  }

  it("in SQLite", async () => {
    const file = join(dir, "coachbot.db");
    const seen = await crashRounds(() => openSqliteStore(file), ["sqlite", file]);
    expect(seen.some((s) => s !== "initial")).toBe(true);
  }, 60_000);

  it("in Redis", async () => {
    const admin = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    try {
      await admin.connect();
      await admin.ping();
    } catch {
      admin.disconnect();
      // Never skipped: the Redis store must be crash-tested wherever the tests run.
      throw new Error(`Redis not reachable at ${REDIS_URL}: start redis-server (or set TEST_REDIS_URL)`);
    }
    const prefix = `coachbot-kill-${randomBytes(6).toString("hex")}:`;
    try {
      const seen = await crashRounds(
        () => openRedisStore({ url: REDIS_URL, prefix }),
        ["redis", REDIS_URL, prefix],
      );
      expect(seen.some((s) => s !== "initial")).toBe(true);
    } finally {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length) await admin.del(...keys);
      admin.disconnect();
    }
  }, 60_000);
});
