import { Agent, request } from "node:http";

// An open-loop load at a steady rate: request i leaves at start + i / rate, whether or not earlier
// ones were answered, and its latency is counted from that planned moment (so a stalled server
// cannot hide its stall by slowing the sender). autocannon's own rate option sends each
// connection's quota in a burst at the start of every second, which measures the burst instead.

export interface PacedResult {
  latencies: number[];
  sent: number;
  ok: number;
  failed: number;
  /** Answers per second actually received. */
  rate: number;
}

export async function paced(
  url: string,
  next: () => { path: string; headers: Record<string, string>; body: string },
  rate: number,
  durationS: number,
): Promise<PacedResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const total = Math.round(rate * durationS);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const planned = start + (i * 1000) / rate;
    const wait = planned - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { path, headers, body } = next();
    pending.push(
      new Promise<void>((resolve) => {
        const req = request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            method: "POST",
            path,
            headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
          },
          (res) => {
            res.resume();
            res.on("end", () => {
              latencies.push(performance.now() - planned);
              if (res.statusCode !== undefined && res.statusCode < 300) ok++;
              else failed++;
              resolve();
            });
          },
        );
        req.on("error", () => {
          failed++;
          resolve();
        });
        req.end(body);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, sent: total, ok, failed, rate: ok / elapsed };
}
