import { cpus, freemem, loadavg, totalmem } from "node:os";

// Numbers and how they are printed. Every benchmark prints its own header (machine, load), its
// figures as a table, and a verdict per target: a verdict is information, never an exit code.

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

export function machine(): string {
  const cpu = cpus();
  const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return [
    `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown cpu"})`,
    `${gb(totalmem())} GB memory (${gb(freemem())} GB free)`,
    `Node ${process.version}`,
  ].join(", ");
}

export function header(title: string, detail: string[] = []): void {
  console.log(`\n=== ${title} ===`);
  console.log(`machine: ${machine()}`);
  console.log(`load average (1/5/15 min) at start: ${load()}`);
  for (const line of detail) console.log(line);
}

export function footer(): void {
  console.log(`load average (1/5/15 min) at end: ${load()}`);
}

export const ms = (v: number, digits = 1) => (Number.isFinite(v) ? `${v.toFixed(digits)} ms` : "n/a");
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? a / b : Number.NaN);
export const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : "n/a");
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
export const int = (v: number) => Math.round(v).toLocaleString("en-US");

/** A plain fixed-width table (copied as is into BENCHMARKS.md). */
export function table(head: string[], rows: (string | number | undefined)[][]): void {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === undefined ? "" : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(cells[0]!));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** One line per target: the figure, the target and whether it is met. Never fails the process. */
export function verdict(what: string, figure: string, target: string, met: boolean): void {
  console.log(`${met ? "MET   " : "MISSED"}  ${what}: ${figure} (target ${target})`);
}

/** Elapsed milliseconds of one call. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Flags shared by every script: --quick, --runs=N, --store=sqlite|redis|both. */
export function flags(argv = process.argv.slice(2)) {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const store = get("store") ?? "both";
  if (!["sqlite", "redis", "both"].includes(store)) throw new Error(`--store must be sqlite, redis or both`);
  return {
    quick: argv.includes("--quick"),
    runs: get("runs") === undefined ? undefined : Number(get("runs")),
    stores: (store === "both" ? ["sqlite", "redis"] : [store]) as ("sqlite" | "redis")[],
    get,
    has: (name: string) => argv.includes(`--${name}`),
  };
}

/**
 * Runs fn under the V8 CPU profiler when `file` is set (the --cpu-prof=FILE flag of a benchmark),
 * so that the profile holds the measured part only, not the seeding. Read it with
 * `node --import tsx bench/lib/cpuprofile-top.ts FILE`.
 */
export async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of the measured part: ${file}`);
  }
}
