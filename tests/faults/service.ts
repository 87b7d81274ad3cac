// `node bin/coachbot.js start` as a child process: started, probed over HTTP, killed, its output kept.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/coachbot.js", import.meta.url));
const STARTED = /coachbot is running: open http:\/\/[^:]+:(\d+)/;

export interface Coachbot {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Resolves when the process is gone. */
  exited: Promise<void>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the service with only the given environment (plus PATH and HOME), in the directory of
 * `logFile`, appending its output there; resolves once it listens. `PORT=0` is the default, so
 * several can run at once.
 */
export async function startCoachbot(env: Record<string, string>, logFile: string): Promise<Coachbot> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "start"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      LOG_LEVEL: "warn",
      PUBLIC_URL: "https://coachbot.test",
      ...env,
    },
    cwd: dirname(logFile),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    let head = "";
    const keep = (chunk: Buffer) => {
      appendFileSync(logFile, chunk);
      head += chunk.toString("utf8");
      const found = STARTED.exec(head);
      if (found) resolve(found[1]!);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    void exited.then(() => reject(new Error(`coachbot exited before it listened; see ${logFile}`)));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    url: `http://127.0.0.1:${port}`,
    exited,
    alive,
    async kill(signal = "SIGKILL") {
      if (alive()) child.kill(signal);
      await exited;
    },
  };
}

/** A request that never waits longer than `ms`; network errors and timeouts come back as status 0. */
export async function call(
  url: string,
  opts: { method?: string; body?: unknown; ms?: number } = {},
): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
      headers: opts.body === undefined ? {} : { "content-type": "application/json" },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(opts.ms ?? 30_000),
    });
    const text = await res.text();
    const body = text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: res.status, body, ms: Date.now() - started };
  } catch {
    return { status: 0, body: {}, ms: Date.now() - started };
  }
}

/** Runs the service's scheduler once at `at` (the local chat's time travel; CLOCK=manual). */
export function tickAt(service: Coachbot, at: string, ms = 120_000) {
  return call(`${service.url}/local/api/time-travel`, { body: { to: at }, ms });
}
