#!/usr/bin/env node
// `npm run bench -- [NAME...] [--quick] [other flags]`: runs each benchmark in bench/ (TypeScript,
// through tsx like bin/coachbot.js) in a process of its own, one after the other, all of them when
// no name is given. Benchmarks print figures and verdicts; they never fail on a time, so the exit
// code is non-zero only when a benchmark could not run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const NAMES = ["ack", "fanout", "digest", "tick", "coldstart"];
const USAGE = `Usage: npm run bench -- [${NAMES.join("|")}...] [--quick] [flags]

  ack        ack latency and throughput at /slack/events and /api/messages vs bare Bolt / botbuilder apps
  fanout     20,000 prompts through tick -> outbox -> delivery -> Slack/Teams adapters, against rate-limited fakes
  digest     a monthly district digest over 200,000 past cycles, SQLite and Redis
  tick       one tick at 100,000 and 1,000,000 educators with the same number due, SQLite and Redis
  coldstart  node bin/coachbot.js start to /readyz 200, and idle RSS

  --quick              small sizes and short runs (development)
  --store=sqlite|redis only one store (digest, tick, fanout)
  --runs=N             timed runs (digest, tick, coldstart)
  --cpu-prof=FILE      V8 CPU profile of the measured part (digest, tick, fanout)

Results and how to read them: bench/BENCHMARKS.md`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const names = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));
const unknown = names.filter((n) => !NAMES.includes(n));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(", ")}\n\n${USAGE}`);
  process.exit(2);
}

let tsx;
try {
  tsx = import.meta.resolve("tsx");
} catch {
  console.error("bench: tsx is not installed. Fix: run `npm ci` (benchmarks run from source).");
  process.exit(1);
}

let failed = 0;
for (const name of names.length > 0 ? names : NAMES) {
  const script = fileURLToPath(new URL(`../bench/${name}.ts`, import.meta.url));
  if (!existsSync(script)) {
    console.error(`bench: ${script} is missing`);
    failed++;
    continue;
  }
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", tsx, script, ...flags], { stdio: "inherit" });
    child.once("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) {
    console.error(`bench: ${name} did not finish (exit code ${code})`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
