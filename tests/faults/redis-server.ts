// Redis for the fault tests: a private redis-server a test may kill and restart (never the shared
// one on 6379), which keeps an append-only file fsynced on every write, so a restart brings back
// every write it acknowledged; and the clean-up of a test's keys on the shared one.
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";

const REDIS_SERVER = "/usr/bin/redis-server";

export class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again: the append-only file is loaded back) and waits until it answers. */
  async start(): Promise<void> {
    const args = ["--port", `${this.port}`, "--bind", "127.0.0.1", "--dir", this.dir, "--save", ""];
    const durable = ["--appendonly", "yes", "--appendfsync", "always"];
    this.child = spawn(REDIS_SERVER, [...args, ...durable], { stdio: "ignore" });
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    try {
      for (let i = 0; ; i++) {
        try {
          if (probe.status !== "ready") await probe.connect();
          await probe.ping();
          return;
        } catch (err) {
          if (i > 100)
            throw new Error(`redis-server on ${this.port} did not start: ${(err as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, like a hung host. */
  freeze(): void {
    this.child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.child?.kill("SIGCONT");
  }

  /** Kills it the hard way (a crash, not a shutdown) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  }
}

/** Deletes every key under `prefix` (a test's own namespace on a shared Redis). */
export async function deleteUnder(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}
