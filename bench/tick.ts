// Tick: runTick (the real due handlers, the real store) with 1% of 100,000 educators due, and the
// same number due among 1,000,000 educators: if the tick is O(due), both cost the same. Districts
// keep their size (5,000 educators), so the bigger roster also has 10x the districts. Each timed run
// opens a fresh set of 500 cycles (1,000 prompts), exactly what a Monday-morning tick does.
//
//   npm run bench -- tick [--quick] [--store=sqlite|redis|both] [--runs=N] [--sizes=A,B] [--due-groups=N] [--cpu-prof=FILE]

import { LinkSigner } from "../src/links.js";
import { createLogger } from "../src/log.js";
import { RosterSource } from "../src/roster/source.js";
import { runTick } from "../src/scheduler/tick.js";
import type { DueItem } from "../src/store/port.js";
import type { WorkflowDeps } from "../src/workflows/deps.js";
import { dueHandlers } from "../src/workflows/due.js";
import { groupDueKey } from "../src/workflows/observations.js";
import { flags, footer, header, int, mb, median, ms, profiled, table, verdict } from "./lib/report.js";
import { districtId, groupId, syntheticRoster } from "./lib/roster.js";
import { openBenchStore, type StoreKind } from "./lib/stores.js";

const f = flags();
const SIZES = f.get("sizes")?.split(",").map(Number) ?? (f.quick ? [10_000, 100_000] : [100_000, 1_000_000]);
const PER_DISTRICT = 5_000;
/** 1% of the smaller (default) roster's educators are due, two per group: 1,000 educators, 500 groups. */
const DUE_GROUPS = Number(f.get("due-groups") ?? (f.quick ? 50 : 500));
const RUNS = f.runs ?? (f.quick ? 3 : 7);
const TARGET_MS = 500;
/** Due sets per size: the timed ticks and their warm-up, the counted tick. */
const SETS = RUNS + 2;
// A school Tuesday, 09:00 in the districts' zone (America/Chicago).
const NOW = new Date("2026-12-01T15:00:00Z");
const DAY = 86_400_000;

interface Result {
  kind: StoreKind;
  educators: number;
  districts: number;
  dueIndex: number;
  ticks: number[];
  taken: number;
  outbox: number;
  io: string;
  rosterCheckMs: number;
  rosterReloadMs: number;
  heapMb: number;
}

header("tick: runTick with the real handlers and store", [
  `rosters of ${SIZES.map(int).join(" and ")} educators (${int(PER_DISTRICT)} a district, peer pairs), ` +
    "each pair's group-cycle due item in the index",
  `${int(DUE_GROUPS)} groups due (${int(DUE_GROUPS * 2)} educators, ${((100 * DUE_GROUPS * 2) / SIZES[0]!).toFixed(1)}% of ${int(SIZES[0]!)}), spread over every district; ` +
    `the rest due over the next 3 weeks; ${RUNS} timed ticks per size, each on a fresh due set`,
]);

const results: Result[] = [];
for (const kind of f.stores) for (const educators of SIZES) results.push(await run(kind, educators));

console.log("");
table(
  [
    "store",
    "educators",
    "districts",
    "due index",
    "due now",
    "tick median",
    "min",
    "max",
    "prompts queued",
    "store I/O per tick",
    "roster check / reload",
  ],
  results.map((r) => [
    r.kind,
    int(r.educators),
    int(r.districts),
    int(r.dueIndex),
    int(r.taken),
    ms(median(r.ticks)),
    ms(Math.min(...r.ticks)),
    ms(Math.max(...r.ticks)),
    int(r.outbox),
    r.io,
    `${ms(r.rosterCheckMs, 1)} / ${ms(r.rosterReloadMs, 0)}`,
  ]),
);
for (const kind of f.stores) {
  const [small, big] = results.filter((r) => r.kind === kind);
  if (!small || !big) continue;
  const a = median(small.ticks);
  const b = median(big.ticks);
  verdict(
    `${kind}: tick, ${int(small.educators)} educators, 1% due`,
    ms(a),
    `< ${TARGET_MS} ms`,
    a < TARGET_MS,
  );
  verdict(
    `${kind}: tick, ${int(big.educators)} educators, same number due`,
    `${ms(b)} (${(b / a).toFixed(2)}x the smaller roster's)`,
    `< ${TARGET_MS} ms and about 1x (O(due))`,
    b < TARGET_MS && b / a < 1.5,
  );
}
footer();

async function run(kind: StoreKind, educators: number): Promise<Result> {
  const districts = educators / PER_DISTRICT;
  const bench = await openBenchStore(kind, "tick");
  try {
    const started = performance.now();
    const roster = syntheticRoster({
      districts,
      educatorsPerDistrict: PER_DISTRICT,
      buildingsPerDistrict: 20,
    });
    await bench.store.replaceRoster(roster);
    const groupsPerDistrict = PER_DISTRICT / 2;
    // Every group has its due item; set r of the timed runs is due now, the others later.
    let dueIndex = 0;
    for (let d = 0; d < districts; d++) {
      const due: DueItem[] = [];
      for (let g = 0; g < groupsPerDistrict; g++) {
        const later = NOW.getTime() + DAY / 24 + (((g * 7919 + d * 104729) % 1000) / 1000) * 21 * DAY;
        due.push(item(d, g, later));
      }
      await bench.store.apply({ districtId: districtId(d), due });
      dueIndex += due.length;
    }
    console.log(
      `${kind}, ${int(educators)} educators: seeded ${int(dueIndex)} due items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // The roster as the service reads it (RosterSource), its clock held so that no timed tick
    // reloads it; the reload is timed on its own below.
    let frozen = Date.now();
    const source = new RosterSource(bench.store, () => frozen);
    const deps = (store = bench.store): WorkflowDeps => ({
      store,
      roster: () => source.get(),
      links: new LinkSigner("bench-secret-bench-secret-bench-secret", "https://coachbot.test"),
      privacyMinGroup: 5,
    });
    const logger = createLogger("silent");
    await source.get();

    /** Moves set `r` (DUE_GROUPS groups, spread over the districts) to now. */
    const makeDue = async (r: number) => {
      const byDistrict = new Map<number, DueItem[]>();
      for (let k = 0; k < DUE_GROUPS; k++) {
        const d = k % districts;
        const g = Math.floor(k / districts) * SETS + r;
        byDistrict.set(d, [...(byDistrict.get(d) ?? []), item(d, g, NOW.getTime() - 60_000)]);
      }
      for (const [d, due] of byDistrict) await bench.store.apply({ districtId: districtId(d), due });
    };

    const ticks: number[] = [];
    let taken = 0;
    let outbox = 0;
    const prof = f.get("cpu-prof");
    await profiled(
      prof && `${prof.replace(/\.cpuprofile$/, "")}-${kind}-${educators}.cpuprofile`,
      async () => {
        for (let r = 0; r < RUNS + 1; r++) {
          await makeDue(r);
          const t0 = performance.now();
          const report = await runTick({ store: bench.store, handlers: dueHandlers(deps()), logger }, NOW);
          const elapsed = performance.now() - t0;
          if (report.failed > 0 || report.taken !== DUE_GROUPS) {
            throw new Error(
              `tick took ${report.taken} and failed ${report.failed} (expected ${DUE_GROUPS}, 0)`,
            );
          }
          if (r === 0) continue; // warm-up
          ticks.push(elapsed);
          taken = report.taken;
          outbox = report.outbox.length;
        }
      },
    );

    // One more tick on a counted twin of the store: its queries / round trips.
    const counted = await bench.counted();
    await makeDue(RUNS + 1);
    counted.reset();
    await runTick({ store: counted.store, handlers: dueHandlers(deps(counted.store)), logger }, NOW);
    const io = counted.read();
    await counted.close();

    // What a tick also pays whenever the cached roster is older than its 30 s refresh: a check of
    // the stored revision; and, once after an import, the re-read and re-index.
    frozen += 31_000;
    let t0 = performance.now();
    await source.get();
    const rosterCheckMs = performance.now() - t0;
    await bench.store.replaceRoster((await bench.store.getRoster())!);
    frozen += 31_000;
    t0 = performance.now();
    await source.get();
    const rosterReloadMs = performance.now() - t0;
    const heapMb = process.memoryUsage().heapUsed;
    console.log(
      `${kind}, ${int(educators)} educators: tick median ${ms(median(ticks))}, roster check ${ms(rosterCheckMs, 1)}, reload after an import ${ms(rosterReloadMs, 0)}, heap ${mb(heapMb)}`,
    );
    return {
      kind,
      educators,
      districts,
      dueIndex,
      ticks,
      taken,
      outbox,
      io,
      rosterCheckMs,
      rosterReloadMs,
      heapMb,
    };
  } finally {
    await bench.dispose();
  }
}

function item(d: number, g: number, atMs: number): DueItem {
  const id = groupId(d, g);
  return {
    key: groupDueKey(id),
    districtId: districtId(d),
    atMs,
    kind: "group-cycle",
    payload: { groupId: id, seq: 1 },
  };
}
