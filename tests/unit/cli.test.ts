import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { openSqliteStore } from "../../src/store/sqlite.js";

const BIN = join(import.meta.dirname, "../../bin/coachbot.js");

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { LOG_LEVEL: "silent", ...env },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function tempDir() {
  return mkdtempSync(join(tmpdir(), "coachbot-cli-"));
}

describe("coachbot CLI: bad arguments get one cause, one fix, exit 2", () => {
  it.each([
    [["bogus"], /unknown command "bogus"/, /coachbot help/],
    [["roster", "check"], /`roster check` takes FILE/, /coachbot roster check FILE/],
    [["tick"], /--now needs an ISO instant/, null],
    [["tick", "--now", "next tuesday"], /--now needs an ISO instant such as 2026-09-14T12:30:00Z/, null],
    [["tick", "--now", "2026-09-14T12:30:00Z", "--later"], /Unknown option '--later'/, /coachbot help/],
    [["outbox"], /`outbox` needs --dead/, /coachbot outbox --dead/],
  ])("%j", async (argv, cause, fix) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(cause);
    if (fix) expect(r.err).toMatch(fix);
    expect(r.out).toBe("");
  });

  it("prints help with every command", async () => {
    const r = await run(["help"]);
    expect(r.code).toBe(0);
    for (const c of ["start", "roster check FILE", "roster import FILE", "tick --now ISO", "outbox --dead"]) {
      expect(r.out).toContain(c);
    }
  });
});

describe("coachbot CLI: bad environment and bad rosters write nothing", () => {
  it("stops `start` on a bad variable, naming it, before creating anything", async () => {
    const dir = tempDir();
    const r = await run(["start"], { PORT: "eighty", DATA_DIR: join(dir, "data") });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'coachbot: PORT must be a whole number from 0 to 65535 (got "eighty"). Fix: set PORT=3978 or unset it.',
    );
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("refuses to import a roster with problems and leaves the stored roster as it was", async () => {
    const dir = tempDir();
    const file = join(dir, "roster.yaml");
    writeFileSync(
      file,
      "districts: []\npeople:\n  - { email: not-an-email, name: X, district: nowhere, roles: [teacher] }\ncoaching: []\n",
    );
    const r = await run(["roster", "import", file], { DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/roster\.yaml:3: /);
    const store = openSqliteStore(join(dir, "coachbot.db"));
    expect(await store.getRoster()).toBeNull();
    await store.close();
  });
});

describe("coachbot tick", () => {
  it("--dry-run lists the prompts due at 07:30 and sends nothing", async () => {
    const dir = tempDir();
    const env = { DATA_DIR: dir, CLOCK: "manual" };
    const r = await run(["tick", "--now", "2026-09-14T12:30:00Z", "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/would send {2}prompt:pv-grade3-peers-c1:emily\.tran@prairievalley\.example\.org/);
    expect(r.out.split("\n").filter((l) => l.startsWith("would send  prompt:"))).toHaveLength(8);
    expect(r.out).toMatch(/would send {2}cst-nudge:prairie-valley:/); // the district's first CST check-in is due soon
    const store = openSqliteStore(join(dir, "coachbot.db"));
    expect(await store.outboxCounts()).toEqual({ pending: 0, sent: 0, dead: 0 });
    await store.close();

    const real = await run(["tick", "--now", "2026-09-14T12:30:00Z"], env);
    expect(real.out.split("\n").filter((l) => l.startsWith("queued  prompt:"))).toHaveLength(8);
    expect(real.out).toMatch(/0 failed; \d+ message\(s\) sent, 0 to retry, 0 dead/);
    const again = await run(["tick", "--now", "2026-09-14T12:30:00Z"], env);
    expect(again.out).toMatch(/0 due item\(s\) done.*0 message\(s\) sent/);
  });

  it("runs through the installed bin with the exit code of the command", () => {
    const dir = tempDir();
    const ok = spawnSync(process.execPath, [BIN, "tick", "--now", "2026-09-12T15:00:00Z"], {
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" },
      encoding: "utf8",
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/0 message\(s\) sent/); // a Saturday: nothing goes out
    const bad = spawnSync(process.execPath, [BIN, "nonsense"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
  });
});
