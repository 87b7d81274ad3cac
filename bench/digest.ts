// Digest: a monthly district digest for a district of 5,000 educators with 200,000 past cycles
// (and the feedback facts of every completed one), on SQLite and on Redis. Prints the median of
// composeDigest (the function the "digest" due item and `coachbot digest` call) and where its time
// goes: the store reads (loadRecords: the cycles touched since the start of the previous period,
// through the store's touched index), the report (buildReport), the rendering. Once per store, off
// the clock, the report is checked equal to one built from every cycle of the district.
//
//   npm run bench -- digest [--quick] [--store=sqlite|redis|both] [--runs=N] [--cycles=N] [--cpu-prof=FILE]

import { deepStrictEqual } from "node:assert";
import { localDate } from "../src/domain/calendar.js";
import { RosterIndex } from "../src/domain/roster-index.js";
import { LinkSigner } from "../src/links.js";
import type { WorkflowDeps } from "../src/workflows/deps.js";
import { composeDigest, parseScope, scopeId } from "../src/workflows/digest/compose.js";
import { loadRecords } from "../src/workflows/digest/records.js";
import { renderDigest } from "../src/workflows/digest/render.js";
import { buildReport } from "../src/workflows/digest/report.js";
import { lastCompletePeriod, type Period, periodInstants, previousPeriod } from "../src/workflows/periods.js";
import { seedHistory } from "./lib/history.js";
import {
  flags,
  footer,
  header,
  int,
  median,
  ms,
  percentile,
  profiled,
  table,
  verdict,
} from "./lib/report.js";
import { districtId, syntheticRoster } from "./lib/roster.js";
import { openBenchStore, type StoreKind } from "./lib/stores.js";

const f = flags();
const CYCLES = Number(f.get("cycles") ?? (f.quick ? 40_000 : 200_000));
const EDUCATORS = 5_000;
const BUILDINGS = 25;
const RUNS = f.runs ?? (f.quick ? 5 : 15);
const TARGET_MS = 250;
// History from the school year 2021-22 to now: about 37,000 cycles a year for 2,500 pairs.
const FROM = "2021-08-16T13:00:00Z";
const NOW = new Date("2026-12-03T14:00:00Z"); // the first school days of December: November's digest
const TO = "2026-12-01T06:00:00Z";

interface Row {
  kind: StoreKind;
  seed: { cycles: number; feedback: number; contacts: number; seedMs: number };
  loaded: { cycles: number; feedback: number; contacts: number };
  compose: number[];
  load: number[];
  report: number[];
  render: number[];
  io: string;
}

header("digest: monthly district digest (composeDigest)", [
  `district: ${int(EDUCATORS)} educators in ${BUILDINGS} buildings, ${int(EDUCATORS / 2)} peer pairs; ` +
    `${int(CYCLES)} cycles prompted ${FROM.slice(0, 10)}..${TO.slice(0, 10)} (evenly spread), ` +
    "feedback facts for every completed cycle (62%), 300 CST contacts",
  `digest: district scope, the last complete month at ${NOW.toISOString()}; ${RUNS} timed runs after 2 warm-ups`,
]);

const rows: Row[] = [];
for (const kind of f.stores) rows.push(await run(kind));

console.log("");
table(
  [
    "store",
    "cycles stored",
    "read per digest (cycles / facts)",
    "composeDigest median",
    "p90",
    "loadRecords",
    "buildReport",
    "render",
    "store I/O per digest",
  ],
  rows.map((r) => [
    r.kind,
    int(r.seed.cycles),
    `${int(r.loaded.cycles)} / ${int(r.loaded.feedback)}`,
    ms(median(r.compose)),
    ms(percentile(r.compose, 90)),
    ms(median(r.load)),
    ms(median(r.report)),
    ms(median(r.render)),
    r.io,
  ]),
);
console.log("");
for (const r of rows) {
  const m = median(r.compose);
  verdict(`${r.kind}: monthly district digest median`, ms(m), `< ${TARGET_MS} ms`, m < TARGET_MS);
}
footer();

async function run(kind: StoreKind): Promise<Row> {
  const bench = await openBenchStore(kind, "digest");
  try {
    const roster = syntheticRoster({
      districts: 1,
      educatorsPerDistrict: EDUCATORS,
      buildingsPerDistrict: BUILDINGS,
    });
    await bench.store.replaceRoster(roster);
    const index = new RosterIndex(roster);
    const id = districtId(0);
    process.stdout.write(`${kind}: seeding ${int(CYCLES)} cycles... `);
    const seed = await seedHistory(bench.store, roster, id, {
      cycles: CYCLES,
      from: FROM,
      to: TO,
      contacts: 300,
    });
    console.log(`${(seed.seedMs / 1000).toFixed(1)} s`);

    const deps: WorkflowDeps = {
      store: bench.store,
      roster: async () => index,
      links: new LinkSigner("bench-secret-bench-secret-bench-secret", "https://coachbot.test"),
      privacyMinGroup: 5,
    };
    const scope = parseScope(index, `district:${id}`)!;
    const district = scope.district;
    const period: Period = lastCompletePeriod("monthly", district, NOW);
    const span = {
      from: periodInstants(district, previousPeriod(period)).from,
      to: periodInstants(district, period).to,
    };

    const compose: number[] = [];
    const load: number[] = [];
    const report: number[] = [];
    const render: number[] = [];
    // One digest on a counted twin of the store: how many queries / round trips it takes.
    const counted = await bench.counted();
    counted.reset();
    await composeDigest({ ...deps, store: counted.store }, scope, period, NOW);
    const io = counted.read();
    await counted.close();
    let loaded = { cycles: 0, feedback: 0, contacts: 0 };
    const prof = f.get("cpu-prof");
    await profiled(prof && `${prof.replace(/\.cpuprofile$/, "")}-${kind}.cpuprofile`, async () => {
      for (let i = 0; i < RUNS + 2; i++) {
        const t0 = performance.now();
        const { message } = await composeDigest(deps, scope, period, NOW);
        const t1 = performance.now();
        if (!message.blocks.length) throw new Error("empty digest");
        // The same three steps, timed apart (composeDigest does exactly these).
        const t2 = performance.now();
        const records = await loadRecords(deps.store, district.id, span.from, span.to);
        const t3 = performance.now();
        const built = buildReport(scope, period, records, deps.privacyMinGroup, localDate(district, NOW));
        const t4 = performance.now();
        renderDigest(built, scopeId(scope));
        const t5 = performance.now();
        loaded = {
          cycles: records.cycles.length,
          feedback: records.feedback.length,
          contacts: records.contacts.length,
        };
        if (i < 2) continue; // warm-up
        compose.push(t1 - t0);
        load.push(t3 - t2);
        report.push(t4 - t3);
        render.push(t5 - t4);
      }
    });
    console.log(`${kind}: composeDigest median ${ms(median(compose))} over ${RUNS} runs`);

    console.log(
      `${kind}: ${int(loaded.cycles)} of ${int(seed.cycles)} cycles read per digest ` +
        `(touched since ${span.from.slice(0, 10)}, prompted before ${span.to.slice(0, 10)})`,
    );

    // Off the clock: the same report as from every cycle of the district (JSON: as the digest sees it).
    const today = localDate(district, NOW);
    const records = await loadRecords(deps.store, district.id, span.from, span.to);
    const everything = { ...records, cycles: await bench.store.cyclesInDistrict(district.id, FROM, span.to) };
    const json = (r: unknown) => JSON.parse(JSON.stringify(r));
    deepStrictEqual(
      json(buildReport(scope, period, records, deps.privacyMinGroup, today)),
      json(buildReport(scope, period, everything, deps.privacyMinGroup, today)),
    );
    console.log(`${kind}: report checked equal to the one from all ${int(everything.cycles.length)} cycles`);
    return { kind, seed, loaded, compose, load, report, render, io };
  } finally {
    await bench.dispose();
  }
}
