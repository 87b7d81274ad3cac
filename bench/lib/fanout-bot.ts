// The bot side of bench/fanout.ts, in a process of its own so that its peak RSS is the bot's: the
// composition root (createCore, configured from the environment like `coachbot start`), the
// delivery loop started as the service starts it, then one scheduler tick (engine.runOnce, what
// the cron fires) at the instant every group is due; it reports when the outbox is empty.
// Everything is the service's own code.

import { createWriteStream } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { createCore } from "../../src/main.js";
import { profiled } from "./report.js";

export interface BotReport {
  startMs: number;
  /** Epoch ms when the tick began (the fan-out's time zero). */
  tickStartedAt: number;
  tickMs: number;
  tickTaken: number;
  drainedAt: number;
  outbox: { pending: number; sent: number; dead: number };
  peakRssDuring: number;
  peakHeapDuring: number;
  /** Heap in use after a full GC once the outbox is empty (what the fan-out left behind). */
  heapAfterGc: number;
  /** Heap the tick's report (its list of enqueued messages) keeps alive while the drain runs. */
  tickReportHeap: number;
  tickReportEntries: number;
  runTickMs: number;
  /** CPU time (user + system) the bot used from the tick to the empty outbox. */
  cpuMs: number;
  /** Event-loop delay while fanning out: how long an inbound request could wait behind the work. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  rssBefore: number;
  maxRss: number;
  samples: { at: number; pending: number; sent: number }[];
}

const send = (message: unknown) => process.send?.(message);

// Never outlive the benchmark that started this process.
process.once("disconnect", () => process.exit(0));
const startMs = Date.now();
const now = new Date(process.env.FANOUT_NOW!);
const config = parseConfig(process.env, { cwd: process.cwd(), exists: () => false });
const logger = createLogger(config.logLevel, createWriteStream(process.env.FANOUT_LOG ?? "/dev/null"));
const core = await createCore(config, logger, { seedAt: now });
const engine = core.engine;
send({ ready: true, createCoreMs: Date.now() - startMs });
await new Promise<void>((resolve) => process.once("message", () => resolve()));

const rssBefore = process.memoryUsage().rss;
let peakRssDuring = rssBefore;
let peakHeapDuring = 0;
const samples: BotReport["samples"] = [];
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRssDuring = Math.max(peakRssDuring, m.rss);
  peakHeapDuring = Math.max(peakHeapDuring, m.heapUsed);
}, 100);
let sampling = false;
const progress = setInterval(() => {
  if (sampling) return;
  sampling = true;
  core.store
    .outboxCounts()
    .then((c) => samples.push({ at: Date.now(), pending: c.pending, sent: c.sent }))
    .finally(() => {
      sampling = false;
    });
}, 500);

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const tickStartedAt = Date.now();
let tickMs = 0;
let runTickMs = 0;
/** The tick's report, which holds every message it enqueued while engine.runOnce drains. */
const held: { tick: { outbox: unknown[] } | null } = { tick: null };
let taken = 0;
let counts = await core.store.outboxCounts();
await profiled(process.env.FANOUT_PROF || undefined, async () => {
  // As the service runs: the delivery loop on its 1 s interval, and the cron's tick (runTick, then
  // an inline drain of what it enqueued).
  engine.delivery.start(1000);
  const { tick } = await engine.runOnce(now);
  held.tick = tick;
  tickMs = Date.now() - tickStartedAt;
  runTickMs = tick.durationMs;
  taken = tick.taken;
  for (;;) {
    counts = await core.store.outboxCounts();
    if (counts.pending === 0) break;
    await delay(250);
  }
});
const drainedAt = Date.now();
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
clearInterval(sampler);
clearInterval(progress);
samples.push({ at: drainedAt, pending: counts.pending, sent: counts.sent });
peakRssDuring = Math.max(peakRssDuring, process.memoryUsage().rss);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const heapWithReport = process.memoryUsage().heapUsed;
const reportOutbox = held.tick?.outbox.length ?? 0;
held.tick = null;
gc();
const heapAfterGc = process.memoryUsage().heapUsed;
await engine.delivery.stop();
await core.store.close();

const report: BotReport = {
  startMs,
  tickStartedAt,
  tickMs,
  tickTaken: taken,
  drainedAt,
  outbox: counts,
  peakRssDuring,
  peakHeapDuring,
  heapAfterGc,
  tickReportHeap: heapWithReport - heapAfterGc,
  tickReportEntries: reportOutbox,
  runTickMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  loopDelayMaxMs: loopDelay.max / 1e6,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  rssBefore,
  maxRss: process.resourceUsage().maxRSS * 1024,
  samples,
};
send({ report });
process.disconnect?.();
