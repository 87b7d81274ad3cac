// Ack latency and throughput: signed Slack requests at our POST /slack/events (a block_actions click
// on "Pick a time", and `/coach status`) and a Teams message at POST /api/messages, against a bare
// Bolt app whose handlers only ack() and a bare botbuilder echo bot, on the same machine, same
// load. Two passes per request:
//   saturation  autocannon, 50 connections, 20 s (3 s with --quick): as fast as each app answers
//   steady      an open-loop 100 req/s (lib/paced.ts), 10 s: latency at a load the app can carry
// Every request carries a new trigger id / activity id, so dedupe never short-cuts the real work.
// A click on a link button (acknowledged, nothing to do after) isolates our ack path.
//
//   npm run bench -- ack [--quick] [--connections=N] [--duration=S] [--repeat=N] [--rate=N] [--only=slack|teams]
//                      [--scenario=link|action|command|message] [--cpu-prof=DIR]
//
// Slack acks before the work (processBeforeResponse: false), so a Slack latency is the ack alone,
// while the work runs after it in the same process; Teams answers when the turn (with its reply to
// the connector) is done, for ours and for the echo bot alike.

import { type ChildProcess, fork } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { CapturedRequest, FakesReady, TargetReady } from "./lib/ack-targets.js";
import { paced } from "./lib/paced.js";
import { flags, footer, header, int, mb, ms, percentile, ratio, table, verdict, x } from "./lib/report.js";

const f = flags();
const CONNECTIONS = Number(f.get("connections") ?? 50);
const DURATION = Number(f.get("duration") ?? (f.quick ? 3 : 20));
const WARMUP = f.quick ? 1 : 3;
/** The steady pass's rate: far above a district's real traffic, below what either app saturates at. */
const RATE = Number(f.get("rate") ?? 100);
const RATE_DURATION = f.quick ? 3 : 10;
/** Saturation runs per app, alternating ours and bare; the table shows the median of each figure. */
const REPEAT = Number(f.get("repeat") ?? (f.quick ? 1 : 3));
const only = f.get("only");
const pick = f.get("scenario");

interface Scenario {
  title: string;
  platform: "slack" | "teams";
  template: string;
  /** Not one of issue 8's requests: shown to explain them. */
  diagnostic?: boolean;
}
const ALL: Scenario[] = [
  {
    title: "Slack click on a link button (ack only, nothing after)",
    platform: "slack",
    template: "link",
    diagnostic: true,
  },
  { title: "Slack block_actions: Pick a time (opens a modal)", platform: "slack", template: "action" },
  { title: "Slack /coach status (reply via response_url)", platform: "slack", template: "command" },
  { title: 'Teams message "status" (reply in the turn)', platform: "teams", template: "message" },
];
const SCENARIOS = ALL.filter((s) => (!only || s.platform === only) && (!pick || s.template === pick));

/** One measurement, from autocannon or the paced sender. */
interface Measured {
  p50: number;
  p99: number;
  rps: number;
  failures: number;
  fakeCalls: number;
  rssAfter: number;
}
interface Row {
  scenario: Scenario;
  ours: Measured;
  bare: Measured;
  oursSteady: Measured;
  bareSteady: Measured;
}

header("ack: our endpoints vs bare Bolt / botbuilder apps", [
  `saturation: autocannon ${CONNECTIONS} connections, ${DURATION} s after a ${WARMUP} s warm-up, ${REPEAT} run(s) per app; ` +
    `steady: ${RATE} req/s open loop, ${RATE_DURATION} s`,
  "each app in its own process, the fake Slack API and Bot Framework connector (tests/fixtures) in another; " +
    "ours: the real service, SQLite store, demo roster",
]);

let unique = 0;
const rows: Row[] = [];
const fakes = await start<FakesReady>("fakes", {});
const env = { FAKE_SLACK_API_URL: fakes.ready.slackApiUrl, FAKE_CONNECTOR_URL: fakes.ready.connectorUrl };
for (const platform of ["slack", "teams"] as const) {
  const scenarios = SCENARIOS.filter((s) => s.platform === platform);
  if (scenarios.length === 0) continue;
  const ours = await start<TargetReady>(`ours-${platform}`, env);
  const bare = await start<TargetReady>(`bare-${platform}`, env);
  let templates = ours.ready.templates;
  if (platform === "slack") {
    fakes.child.send({ cmd: "capture-slack", appUrl: ours.ready.url });
    templates = (await reply<{ captured: Record<string, CapturedRequest> }>(fakes.child, "captured"))
      .captured;
  }
  const secret = platform === "slack" ? fakes.ready.signingSecret : undefined;
  for (const scenario of scenarios) {
    const make = builder(templates[scenario.template]!, secret);
    const oursRuns: Measured[] = [];
    const bareRuns: Measured[] = [];
    for (let i = 0; i < REPEAT; i++) {
      oursRuns.push(await measure(ours, make, "saturation"));
      bareRuns.push(await measure(bare, make, "saturation"));
    }
    const row: Row = {
      scenario,
      ours: medianOf(oursRuns),
      bare: medianOf(bareRuns),
      oursSteady: await measure(ours, make, "steady"),
      bareSteady: await measure(bare, make, "steady"),
    };
    rows.push(row);
    console.log(
      `${scenario.title}: saturation ours p99 ${ms(row.ours.p99)} at ${int(row.ours.rps)} req/s, ` +
        `bare p99 ${ms(row.bare.p99)} at ${int(row.bare.rps)} req/s; ` +
        `at ${RATE} req/s ours p99 ${ms(row.oursSteady.p99)}, bare ${ms(row.bareSteady.p99)}`,
    );
  }
  await stop(ours);
  await stop(bare);
}
await stop(fakes);

const line = (title: string, who: string, m: Measured) => [
  title,
  who,
  ms(m.p50),
  ms(m.p99),
  int(m.rps),
  int(m.failures),
  int(m.fakeCalls),
  mb(m.rssAfter),
];
const head = ["request", "app", "p50", "p99", "req/s", "not 2xx", "calls to fake APIs", "RSS after"];
console.log(
  `\nSaturation: autocannon, ${CONNECTIONS} connections, ${DURATION} s; median of ${REPEAT} run(s) per app, alternating`,
);
table(
  head,
  rows.flatMap((r) => [line(r.scenario.title, "ours", r.ours), line("", "bare", r.bare)]),
);
console.log(
  `\nSteady: ${RATE} req/s, open loop (latency from each request's planned send), ${RATE_DURATION} s`,
);
table(
  head,
  rows.flatMap((r) => [line(r.scenario.title, "ours", r.oursSteady), line("", "bare", r.bareSteady)]),
);
console.log("");
table(
  ["request", "p99 ours / bare", "req/s ours / bare", `p99 ours / bare at ${RATE} req/s`],
  rows.map((r) => [
    r.scenario.title,
    x(ratio(r.ours.p99, r.bare.p99)),
    x(ratio(r.ours.rps, r.bare.rps)),
    x(ratio(r.oursSteady.p99, r.bareSteady.p99)),
  ]),
);
console.log("");
for (const { scenario, ours, bare, oursSteady } of rows) {
  const tag = scenario.diagnostic ? " [diagnostic]" : "";
  const p99 = ratio(ours.p99, bare.p99);
  const rps = ratio(ours.rps, bare.rps);
  verdict(`${scenario.title}: p99 ours/bare${tag}`, x(p99), "<= 1.5x", p99 <= 1.5);
  verdict(`${scenario.title}: req/s ours/bare${tag}`, x(rps), ">= 0.7x", rps >= 0.7);
  verdict(`${scenario.title}: our p99 at saturation${tag}`, ms(ours.p99), "< 100 ms", ours.p99 < 100);
  verdict(
    `${scenario.title}: our p99 at ${RATE} req/s${tag}`,
    ms(oursSteady.p99),
    "< 100 ms",
    oursSteady.p99 < 100,
  );
  const failures = ours.failures + oursSteady.failures;
  if (failures > 0) console.log(`WARNING ${scenario.title}: ${failures} of our answers were not 2xx`);
}
footer();

// ---- processes ----

interface Running<T> {
  name: string;
  child: ChildProcess;
  ready: T;
}

async function start<T>(name: string, env: Record<string, string>): Promise<Running<T>> {
  const prof = f.get("cpu-prof");
  const child = fork(fileURLToPath(new URL("./lib/ack-targets.ts", import.meta.url)), [name], {
    env: { ...process.env, ...env },
    execArgv: [
      ...(prof && name.startsWith("ours")
        ? ["--cpu-prof", `--cpu-prof-dir=${prof}`, "--cpu-prof-interval=200"]
        : []),
      "--import",
      import.meta.resolve("tsx"),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await reply<T>(child, "ready");
  return { name, child, ready };
}

async function stop(target: Running<unknown>): Promise<void> {
  target.child.send({ cmd: "close" });
  await reply(target.child, "closed");
}

function reply<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${key}: the process exited with ${code}`));
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(m as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Waits until the fakes have been quiet for 500 ms (the work after the acks is done); their call count. */
async function settle(): Promise<number> {
  fakes.child.send({ cmd: "settle" });
  return (await reply<{ calls: number }>(fakes.child, "settled")).calls;
}

/** Each figure's median over repeated runs (failures: the total). */
function medianOf(runs: Measured[]): Measured {
  const mid = (pick: (m: Measured) => number) => percentile(runs.map(pick), 50);
  return {
    p50: mid((m) => m.p50),
    p99: mid((m) => m.p99),
    rps: mid((m) => m.rps),
    failures: runs.reduce((n, m) => n + m.failures, 0),
    fakeCalls: mid((m) => m.fakeCalls),
    rssAfter: Math.max(...runs.map((m) => m.rssAfter)),
  };
}

// ---- load ----

type Build = () => { path: string; headers: Record<string, string>; body: string };

/** The template with a new dedupe id, signed now (Slack) — for every request. */
function builder(template: CapturedRequest, secret: string | undefined): Build {
  return () => {
    const id =
      template.contentType === "application/json"
        ? `bench-${process.pid}-${++unique}`
        : `trig.${++unique}.${Date.now()}`;
    const body = template.body.replace(template.id, id);
    const headers: Record<string, string> = { "content-type": template.contentType };
    if (secret) {
      const ts = String(Math.floor(Date.now() / 1000));
      headers["x-slack-request-timestamp"] = ts;
      headers["x-slack-signature"] =
        `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
    }
    return { path: template.path, headers, body };
  };
}

async function saturate(url: string, make: Build, duration: number) {
  const r = await autocannon({
    url: new URL(url).origin,
    connections: CONNECTIONS,
    duration,
    timeout: 10,
    requests: [{ method: "POST", setupRequest: (request) => ({ ...request, ...make() }) }],
  });
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    failures: r.non2xx + r.errors + r.timeouts,
  };
}

async function steady(url: string, make: Build, duration: number) {
  const r = await paced(url, make, RATE, duration);
  return {
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    rps: r.rate,
    failures: r.failed,
  };
}

async function measure(
  target: Running<TargetReady>,
  make: Build,
  pass: "saturation" | "steady",
): Promise<Measured> {
  const run = pass === "saturation" ? saturate : steady;
  await run(target.ready.url, make, WARMUP);
  const before = await settle();
  const result = await run(target.ready.url, make, pass === "saturation" ? DURATION : RATE_DURATION);
  const after = await settle();
  target.child.send({ cmd: "settle" });
  const { rss } = await reply<{ rss: number }>(target.child, "settled");
  return { ...result, fakeCalls: after - before, rssAfter: rss };
}
