// Cold start: `node bin/coachbot.js start` with an empty DATA_DIR (so: create the SQLite file,
// migrate, import the bundled demo roster, seed the schedules, listen), timed from spawn to the
// first 200 from /readyz; then the resident memory of the idle process. Twice: from source (a
// checkout: bin/coachbot.js loads src/ through tsx) and from the production build (tsc into a
// temporary directory, what the Docker image runs). For scale, a bare `node` that only listens.
//
//   npm run bench -- coldstart [--quick] [--runs=N] [--no-build]

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { buildToTemp } from "./lib/build.js";
import { flags, footer, header, int, mb, median, ms, table } from "./lib/report.js";

const f = flags();
const RUNS = f.runs ?? (f.quick ? 3 : 7);
const IDLE_MS = f.quick ? 3_000 : 10_000;
const BIN = fileURLToPath(new URL("../bin/coachbot.js", import.meta.url));
const BARE = `require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT))`;

header("coldstart: `node bin/coachbot.js start` to /readyz 200", [
  `empty DATA_DIR each run (SQLite, bundled demo roster, local chat, scheduler on), LOG_LEVEL=info to /dev/null; ` +
    `${RUNS} runs after 1 warm-up; idle RSS ${IDLE_MS / 1000} s after ready`,
]);

interface Start {
  readyMs: number;
  idleRss: number;
}

const rows: (string | number)[][] = [];
const summarize = (label: string, runs: Start[]) => {
  const ready = runs.map((s) => s.readyMs);
  rows.push([
    label,
    runs.length,
    ms(median(ready), 0),
    ms(Math.min(...ready), 0),
    ms(Math.max(...ready), 0),
    mb(median(runs.map((s) => s.idleRss))),
  ]);
};

const warm = await start("coachbot", BIN);
const source: Start[] = [];
for (let i = 0; i < RUNS; i++) source.push(await start("coachbot", BIN));
summarize("coachbot start, from source (tsx)", source);
summarize("  its first run (warm-up, not above)", [warm]);

if (!f.has("no-build")) {
  const build = buildToTemp();
  console.log(`production build in ${build.dir} (${(build.ms / 1000).toFixed(1)} s, not timed below)`);
  try {
    await start("coachbot", build.bin);
    const built: Start[] = [];
    for (let i = 0; i < RUNS; i++) built.push(await start("coachbot", build.bin));
    summarize("coachbot start, production build (dist/)", built);
  } finally {
    rmSync(build.dir, { recursive: true, force: true });
  }
}

const bare: Start[] = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) bare.push(await start("bare", BIN));
summarize("bare node http server (floor)", bare);

console.log("");
table(["process", "runs", "spawn to /readyz 200 (median)", "min", "max", "idle RSS (median)"], rows);
console.log(`(no target in issue 8 for these: recorded as found; ${int(RUNS)} runs)`);
footer();

async function start(what: "coachbot" | "bare", bin: string): Promise<Start> {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-coldstart-"));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? dir,
    PORT: String(port),
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "info",
  };
  const t0 = performance.now();
  const child =
    what === "coachbot"
      ? spawn(process.execPath, [bin, "start"], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] })
      : spawn(process.execPath, ["-e", BARE], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const path = what === "coachbot" ? "/readyz" : "/";
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - t0 > 60_000) throw new Error(`${what} not ready after 60 s: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}${path}`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await delay(5);
    }
    const readyMs = performance.now() - t0;
    await delay(IDLE_MS);
    const idleRss = rssOf(child.pid!);
    return { readyMs, idleRss };
  } finally {
    child.kill("SIGTERM");
    const code = await Promise.race([exited, delay(10_000, "timeout" as const)]);
    if (code === "timeout") child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resident set size of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
