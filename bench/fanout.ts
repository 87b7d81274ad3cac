// Fan-out: 20,000 observation prompts, opened by one scheduler tick and delivered by the delivery
// loop through the real Slack and Teams delivery adapters, to people in 50 Slack workspaces and 10
// Teams tenants, against fakes that enforce the platforms' limits and answer 429 + Retry-After
// beyond them. Counts at the fakes: lost and doubled prompts. Time from the tick to the last
// accepted prompt, against the least time the limits allow; peak RSS of the bot process.
//
//   npm run bench -- fanout [--quick] [--store=sqlite|redis] [--interleave]
//                          [--slack-per-workspace=N] [--teams-per-tenant=N] [--cpu-prof=FILE]
//                          [--bot-max-old-space=MB]
//
// The distribution (defaults; see BENCHMARKS.md): each Slack workspace gets 100 prompts, what its
// window (100 a minute) lets through at once, so Slack's minimum is 0 and Slack only competes for
// the loop's throughput; each Teams tenant gets 1,500, 30 windows of 50/s, so the minimum is
// 29 s and every one of the 10 tenants is on the critical path at the same time: any tenant the
// loop leaves idle for a second shows up in the total.

import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../src/store/port.js";
import { OAUTH_ENV, putInstall } from "../tests/fixtures/slack-oauth.js";
import type { BotReport } from "./lib/fanout-bot.js";
import {
  LimitedConnector,
  LimitedSlack,
  minimumMs,
  PLATFORM_LIMITS,
  teamsConversationId,
} from "./lib/limited-fakes.js";
import { flags, footer, header, int, mb, ms, table, verdict } from "./lib/report.js";
import { districtId, syntheticRoster } from "./lib/roster.js";
import { openBenchStore, REDIS_URL } from "./lib/stores.js";

const f = flags();
const kind = f.stores.length === 1 ? f.stores[0]! : "sqlite";
const WORKSPACES = 50;
const TENANTS = 10;
const PER_WORKSPACE = Number(f.get("slack-per-workspace") ?? (f.quick ? 20 : 100));
const PER_TENANT = Number(f.get("teams-per-tenant") ?? (f.quick ? 200 : 1_500));
const INTERLEAVE = f.has("interleave");
/** A school Tuesday, 09:00 in Chicago: in the past, so the delivery loop runs on the wall clock. */
const NOW = "2026-12-01T15:00:00.000Z";
const TARGET_RATIO = 1.1;
const TARGET_RSS = 300 * 2 ** 20;

const slackDistrict = (d: number) => d < WORKSPACES;
const tenantOf = (d: number) => `t${String(d - WORKSPACES).padStart(2, "0")}`;
const teamOf = (d: number) => `T${String(d).padStart(4, "0")}`;
const total = WORKSPACES * PER_WORKSPACE + TENANTS * PER_TENANT;
const minimum = Math.max(
  minimumMs(PER_WORKSPACE, PLATFORM_LIMITS.slack.perWorkspace),
  minimumMs(PER_TENANT, PLATFORM_LIMITS.teams.perTenant),
);

header("fanout: one tick's prompts through the delivery loop and the real Slack/Teams adapters", [
  `${int(total)} prompts: ${WORKSPACES} Slack workspaces x ${int(PER_WORKSPACE)} + ${TENANTS} Teams tenants x ${int(PER_TENANT)} ` +
    `(one district per workspace/tenant, one prompt per educator, peer pairs); store: ${kind}`,
  "fake limits: Slack chat.postMessage 1/s per channel, 100/min per workspace; Teams 7/1s, 8/2s, 60/30s, 1800/h per conversation, 50/s per tenant",
  `least time the limits allow: ${ms(minimum, 0)} (Slack ${ms(minimumMs(PER_WORKSPACE, PLATFORM_LIMITS.slack.perWorkspace), 0)}, ` +
    `Teams ${ms(minimumMs(PER_TENANT, PLATFORM_LIMITS.teams.perTenant), 0)}), from the first send`,
  `group ids: ${INTERLEAVE ? "interleaved across districts" : "district-prefixed (as in the demo roster), so outbox keys sort by district"}`,
  ...(f.get("bot-max-old-space") ? [`bot runs with --max-old-space-size=${f.get("bot-max-old-space")}`] : []),
]);

// ---- the fakes, in this process (the bot runs in its own) ----
const slack = new LimitedSlack();
const connector = new LimitedConnector();
const slackUrl = await slack.start();
const connectorUrl = await connector.start();

// ---- the store: roster, installations, people already linked (steady state), the clock ----
const dir = mkdtempSync(join(tmpdir(), "coachbot-fanout-"));
const bench = await openBenchStore(kind, "fanout");
const roster = syntheticRoster({
  districts: WORKSPACES + TENANTS,
  educatorsPerDistrict: (d) => (slackDistrict(d) ? PER_WORKSPACE : PER_TENANT),
  buildingsPerDistrict: 5,
  ...(INTERLEAVE
    ? { groupIdOf: (d: number, g: number) => `g${String(g).padStart(5, "0")}-${districtId(d)}` }
    : {}),
});
const seedStarted = performance.now();
await bench.store.replaceRoster(roster);
await bench.store.putDoc("clock", "now", { at: NOW });
const expectedSlack = new Set<string>();
const expectedTeams = new Set<string>();
for (let d = 0; d < WORKSPACES + TENANTS; d++) {
  const people = roster.people.filter((p) => p.districtId === districtId(d));
  if (slackDistrict(d)) {
    const teamId = teamOf(d);
    const token = `xoxb-bench-${teamId}`;
    slack.addWorkspace({ teamId, token, users: new Map(people.map((p, i) => [p.email, `U${d}x${i}`])) });
    await putInstall(bench.store, teamId, token);
    await putAll(
      bench.store,
      "slack-people",
      people.map((p, i) => [p.id, { teamId, userId: `U${d}x${i}` }]),
    );
    await putAll(
      bench.store,
      "slack-users",
      people.map((p, i) => [`${teamId}:U${d}x${i}`, { personId: p.id, dm: `DU${d}x${i}` }]),
    );
  } else {
    const tenant = tenantOf(d);
    const aad = (i: number) => `aad-${d}-${i}`;
    await putAll(
      bench.store,
      "teams-people",
      people.map((p, i) => [p.id, { aadObjectId: aad(i) }]),
    );
    await putAll(
      bench.store,
      "teams-users",
      people.map((p, i) => [
        aad(i),
        {
          personId: p.id,
          userId: `29:${aad(i)}`,
          tenantId: tenant,
          serviceUrl: connectorUrl,
          botId: "28:coachbot",
        },
      ]),
    );
    await putAll(
      bench.store,
      "teams-conversations",
      people.map((_, i) => {
        const conversation = teamsConversationId(tenant, i);
        expectedTeams.add(conversation);
        return [
          `personal:${aad(i)}`,
          {
            kind: "personal",
            tenantId: tenant,
            reference: {
              channelId: "msteams",
              serviceUrl: connectorUrl,
              bot: { id: "28:coachbot", name: "coachbot" },
              user: { id: `29:${aad(i)}`, name: "", aadObjectId: aad(i) },
              conversation: {
                id: conversation,
                conversationType: "personal",
                tenantId: tenant,
                isGroup: false,
              },
            },
          },
        ];
      }),
    );
  }
}
for (const g of roster.groups.filter((g) => slackDistrict(Number(g.districtId.slice(1))))) {
  for (const p of g.sides.flat()) expectedSlack.add(`prompt:${g.id}-c1:${p}#0`);
}
console.log(`seeded the store in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

// ---- the bot ----
const env: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  NODE_ENV: "development",
  PORT: "0",
  LOG_LEVEL: "warn",
  CLOCK: "manual",
  SCHEDULER: "off",
  PUBLIC_URL: "https://coachbot.test",
  DASHBOARD_SECRET: "bench-secret-bench-secret-bench-secret",
  SLACK_SIGNING_SECRET: "bench-signing-secret",
  ...OAUTH_ENV,
  SLACK_API_URL: slackUrl,
  FANOUT_NOW: NOW,
  FANOUT_LOG: join(dir, "bot.log"),
  FANOUT_PROF: f.get("cpu-prof") ?? "",
  ...(kind === "sqlite"
    ? { DATA_DIR: bench.file!.replace(/\/coachbot\.db$/, "") }
    : { REDIS_URL, REDIS_PREFIX: bench.prefix! }),
};
const bot = fork(fileURLToPath(new URL("./lib/fanout-bot.ts", import.meta.url)), [], {
  env,
  execArgv: [
    "--expose-gc",
    ...(f.get("bot-max-old-space") ? [`--max-old-space-size=${f.get("bot-max-old-space")}`] : []),
    "--import",
    import.meta.resolve("tsx"),
  ],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const message = <T>(key: string) =>
  new Promise<T>((resolve, reject) => {
    bot.on("message", (m: Record<string, unknown>) => {
      if (key in m) resolve(m as T);
    });
    bot.once("exit", (code) => reject(new Error(`the bot exited with ${code} before "${key}"`)));
  });
const { createCoreMs } = await message<{ createCoreMs: number }>("ready");
console.log(
  `bot: createCore (roster, adapters, schedules seeded) in ${ms(createCoreMs, 0)}; ticking at ${NOW}`,
);
const done = message<{ report: BotReport }>("report");
bot.send("go");
const { report } = await done;

// ---- what the fakes saw ----
const count = (accepted: Map<string, number>, expected: Set<string>) => {
  let lost = 0;
  let doubled = 0;
  let unexpected = 0;
  for (const key of expected) {
    const n = accepted.get(key) ?? 0;
    if (n === 0) lost++;
    if (n > 1) doubled += n - 1;
  }
  for (const key of accepted.keys()) if (!expected.has(key)) unexpected++;
  return { lost, doubled, unexpected };
};
const s = count(slack.tally.accepted, expectedSlack);
const t = count(connector.tally.accepted, expectedTeams);
const lastOf = (m: Map<string, number>) => Math.max(...m.values());
const firstOf = (m: Map<string, number>) => Math.min(...m.values());
const slackLast = lastOf(slack.tally.lastAt) - report.tickStartedAt;
const teamsLast = lastOf(connector.tally.lastAt) - report.tickStartedAt;
const firstSend =
  Math.min(firstOf(slack.tally.firstAt), firstOf(connector.tally.firstAt)) - report.tickStartedAt;
const elapsed = Math.max(slackLast, teamsLast);
const refused = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const slowest = [...connector.tally.lastAt].sort((a, b) => b[1] - a[1])[0];
const log = readFileSync(join(dir, "bot.log"), "utf8").split("\n").filter(Boolean);

console.log("");
table(
  ["figure", "value"],
  [
    ["prompts expected (Slack / Teams)", `${int(expectedSlack.size)} / ${int(expectedTeams.size)}`],
    [
      "accepted at the fakes (Slack / Teams)",
      `${int(sum(slack.tally.accepted))} / ${int(sum(connector.tally.accepted))}`,
    ],
    ["lost (Slack / Teams)", `${s.lost} / ${t.lost}`],
    ["doubled (Slack / Teams)", `${s.doubled} / ${t.doubled}`],
    [
      "429s answered (Slack / Teams)",
      `${refused(slack.tally.refused)} / ${refused(connector.tally.refused)}`,
    ],
    [
      "outbox at the end (pending / sent / dead)",
      `${report.outbox.pending} / ${int(report.outbox.sent)} / ${report.outbox.dead}`,
    ],
    ["runTick (opening every cycle, enqueueing the prompts)", ms(report.runTickMs, 0)],
    ["engine.runOnce (runTick + its inline drain)", ms(report.tickMs, 0)],
    ["tick start to first accepted send", ms(firstSend, 0)],
    ["tick start to last Slack prompt accepted", ms(slackLast, 0)],
    [
      "tick start to last Teams prompt accepted",
      `${ms(teamsLast, 0)} (last tenant to finish: ${slowest?.[0]})`,
    ],
    ["least time the limits allow (from the first send)", ms(minimum, 0)],
    [
      "total / least",
      minimum > 0 ? `${(elapsed / minimum).toFixed(2)}x` : "n/a (the limits allow it all at once)",
    ],
    ["Slack Web API calls", [...slack.tally.calls].map(([m, n]) => `${m} ${int(n)}`).join(", ")],
    ["Teams connector calls", [...connector.tally.calls].map(([m, n]) => `${m} ${int(n)}`).join(", ")],
    ["bot log lines at warn or above", int(log.length)],
    [
      "bot event-loop delay while fanning out (p99 / max)",
      `${ms(report.loopDelayP99Ms, 0)} / ${ms(report.loopDelayMaxMs, 0)}`,
    ],
    [
      "bot CPU time, tick to empty outbox (share of one core)",
      `${ms(report.cpuMs, 0)} (${((100 * report.cpuMs) / (report.drainedAt - report.tickStartedAt)).toFixed(0)}%)`,
    ],
    [
      "bot RSS before the tick / peak during the fan-out",
      `${mb(report.rssBefore)} / ${mb(report.peakRssDuring)}`,
    ],
    [
      "bot heap: peak during / after a full GC at the end",
      `${mb(report.peakHeapDuring)} / ${mb(report.heapAfterGc)}`,
    ],
    [
      "heap held by the tick's report (its enqueued messages) during the drain",
      `${(report.tickReportHeap / 2 ** 20).toFixed(1)} MB for ${int(report.tickReportEntries)} messages`,
    ],
    ["bot peak RSS over its life (getrusage maxrss)", mb(report.maxRss)],
  ],
);
console.log(
  "\nper scope (s after the tick started): first and last prompt accepted, prompts per second while sending",
);
const scopeRows = (tally: typeof slack.tally, label: string): string[][] =>
  [...tally.times].map(([scope, times]) => {
    const first = (tally.firstAt.get(scope)! - report.tickStartedAt) / 1000;
    const last = (tally.lastAt.get(scope)! - report.tickStartedAt) / 1000;
    return [
      label,
      scope,
      first.toFixed(1),
      last.toFixed(1),
      int(times.length),
      (times.length / Math.max(0.001, last - first)).toFixed(1),
      int(tally.refused.get(scope) ?? 0),
    ];
  });
const slackScopes = scopeRows(slack.tally, "Slack");
const bySlackLast = [...slackScopes].sort((a, b) => Number(a[3]) - Number(b[3]));
table(
  ["platform", "scope", "first (s)", "last (s)", "prompts", "per s", "429s"],
  [
    ...[bySlackLast[0], bySlackLast[Math.floor(bySlackLast.length / 2)], bySlackLast.at(-1)]
      .filter((r): r is (typeof slackScopes)[number] => r !== undefined)
      .map((r, i) => [
        r[0],
        `${r[1]} (${["first done", "median", "last done"][i]} of ${slackScopes.length})`,
        ...r.slice(2),
      ]),
    ...scopeRows(connector.tally, "Teams").sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
  ],
);
console.log("\nprogress (s after the tick started: prompts sent):");
const step = Math.max(1, Math.floor(report.samples.length / 12));
console.log(
  report.samples
    .filter((_, i) => i % step === 0 || i === report.samples.length - 1)
    .map((p) => `${((p.at - report.tickStartedAt) / 1000).toFixed(1)}s:${int(p.sent)}`)
    .join("  "),
);
console.log("");
verdict("lost prompts", String(s.lost + t.lost), "0", s.lost + t.lost === 0);
verdict("doubled prompts", String(s.doubled + t.doubled), "0", s.doubled + t.doubled === 0);
if (minimum > 0) {
  verdict(
    "total time vs the least the limits allow",
    `${ms(elapsed, 0)} vs ${ms(minimum, 0)} (${(elapsed / minimum).toFixed(2)}x)`,
    `within ${Math.round((TARGET_RATIO - 1) * 100)}%`,
    elapsed <= minimum * TARGET_RATIO,
  );
}
verdict(
  "bot peak RSS during the fan-out",
  mb(report.peakRssDuring),
  "< 300 MB",
  report.peakRssDuring < TARGET_RSS,
);
if (log.length > 0)
  console.log(
    `first warnings:\n  ${log
      .slice(0, 3)
      .map((l) => l.slice(0, 300))
      .join("\n  ")}`,
  );
footer();

await slack.close();
await connector.close();
await bench.dispose();
rmSync(dir, { recursive: true, force: true });

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}

async function putAll(store: Store, ns: string, docs: [string, unknown][]): Promise<void> {
  for (let i = 0; i < docs.length; i += 200) {
    await Promise.all(docs.slice(i, i + 200).map(([id, value]) => store.putDoc(ns, id, value)));
  }
}
