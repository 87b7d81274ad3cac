import { setTimeout as delay } from "node:timers/promises";
import { type Address, type DeliveryAdapter, DeliveryError } from "../adapter.js";
import type { Person } from "../domain/model.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { OutboxEntry, Store } from "../store/port.js";
import type { Message, Platform } from "../ui/model.js";
import { eachLimit } from "./each-limit.js";
import { createRateLimiter, type RateLimits, scopeKeyOf } from "./ratelimit.js";

export interface DeliveryPolicy {
  /** Entries claimed per run. */
  batch: number;
  /** How long a claim hides an entry from other senders; a crashed sender's entries return after it. */
  leaseMs: number;
  /**
   * Sends in flight at once, over all scopes. Every scope (workspace / tenant) of a claim is served
   * at the same time, each one send at a time in claim order, so a conversation's messages keep
   * their order and one scope's wait for its window never holds up another's sends.
   */
  concurrency: number;
  /** Failed attempts after which an entry goes dead (rate-limit waits and 429s give their claim back). */
  maxAttempts: number;
  /** Exponential backoff with full jitter: random() * min(cap, base * 2^(attempt - 1)). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** The longest a run sleeps for a rate-limit window; a longer wait hands the entry back to the store. */
  holdMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  batch: 200,
  leaseMs: 60_000,
  concurrency: 32,
  maxAttempts: 8,
  backoffBaseMs: 1_000,
  backoffCapMs: 5 * 60_000,
  holdMs: 2_000,
};

export interface DeliveryDeps {
  store: Store;
  /** In preference order: a person goes to the first adapter that can reach them. */
  adapters: DeliveryAdapter[];
  people: (id: string) => Promise<Person | null>;
  limits: RateLimits;
  logger: Logger;
  metrics?: Metrics;
  now: () => number;
  random?: () => number;
  /** Waits for a rate-limit window; tests pass one that moves their clock. */
  sleep?: (ms: number) => Promise<void>;
  policy?: Partial<DeliveryPolicy>;
}

export interface DeliveryReport {
  claimed: number;
  sent: number;
  /** Failed and scheduled again (5xx, 429, network). */
  retried: number;
  /** Handed back unsent because a rate limit had no room within this run. */
  deferred: number;
  dead: number;
}

export interface Delivery {
  runOnce(): Promise<DeliveryReport>;
  start(intervalMs?: number): void;
  /** Runs the loop now if it is started (no-op otherwise). */
  wake(): void;
  /** Stops the loop and waits for the run in flight. */
  stop(): Promise<void>;
}

interface Job {
  entry: OutboxEntry;
  adapter: DeliveryAdapter;
  address: Address;
}

const LABEL: Record<Platform, string> = { slack: "Slack", teams: "Teams", local: "local chat" };
/** How often the queued gauge is refreshed: counting the outbox is not free. */
const GAUGE_EVERY_MS = 15_000;

/** Sends outbox entries under per-scope and per-conversation limits; one scope's 429s never hold up another. */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const { store, adapters, logger, metrics, now } = deps;
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...deps.policy };
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  // Windows span runs, so the limiter lives as long as the delivery loop.
  const limiter = createRateLimiter(deps.limits);
  const platforms = [...new Set(adapters.map((a) => LABEL[a.platform]))].join(" or ");
  // Each platform's series exist from the start, so a dashboard reads 0 rather than no data.
  const { messagesSent, messagesRetried, messagesDeferred, messagesDead } = metrics ?? {};
  for (const platform of new Set(adapters.map((a) => a.platform))) {
    for (const counter of [messagesSent, messagesRetried, messagesDeferred, messagesDead]) {
      counter?.inc({ platform }, 0);
    }
  }
  let gaugeDueMs = Number.NEGATIVE_INFINITY;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let loop: () => void = () => {};
  let busy = false;
  let woken = false;

  const logFor = (entry: OutboxEntry, address?: Address) =>
    logger.child({
      key: entry.key,
      districtId: entry.districtId,
      platform: address?.platform,
      scope: address?.scope,
    });

  async function resolve(entry: OutboxEntry): Promise<Omit<Job, "entry"> | { reason: string }> {
    const { to } = entry;
    if ("person" in to) {
      const person = await deps.people(to.person);
      if (!person) return { reason: `${to.person} is no longer in the roster` };
      // Where they are already linked first, then (in preference order) where they may be found.
      for (const linkedOnly of [true, false]) {
        for (const adapter of adapters) {
          const address = await adapter.resolvePerson(person, { linkedOnly });
          if (address) return { adapter, address };
        }
      }
      return {
        reason: `no ${platforms} account linked for ${person.email}: link one, or check that the app is installed and not blocked`,
      };
    }
    for (const adapter of adapters) {
      const address = await adapter.resolveChannel(to.channel);
      if (address) return { adapter, address };
    }
    const refs = Object.entries(to.channel).map(([platform, id]) => `${platform} ${id}`);
    return {
      reason: `no ${platforms} channel reachable for ${refs.join(", ") || "an unset channel"}: check the channel id and that the app is in it`,
    };
  }

  return { runOnce, start, wake, stop };

  async function runOnce(): Promise<DeliveryReport> {
    const startMs = now();
    const report: DeliveryReport = { claimed: 0, sent: 0, retried: 0, deferred: 0, dead: 0 };
    const entries = await store.claimOutbox(startMs, policy.batch, policy.leaseMs);
    report.claimed = entries.length;
    // Past half the lease a send could outlive the claim and be sent again by another claimer.
    const sendBy = startMs + policy.leaseMs / 2;
    const holdUntil = startMs + policy.holdMs;
    const sending = gate(policy.concurrency);

    const dead = async (entry: OutboxEntry, reason: string, address?: Address) => {
      await store.markDead(entry, reason, now());
      report.dead++;
      metrics?.messagesDead.inc({ platform: address?.platform ?? "none" });
      logFor(entry, address).warn({ reason }, "outbox entry dead");
    };

    const fail = async (entry: OutboxEntry, err: unknown, address?: Address) => {
      const error = err instanceof Error ? err.message : String(err);
      if (err instanceof DeliveryError && err.kind === "permanent") {
        return dead(
          entry,
          `${address ? LABEL[address.platform] : "the platform"} refused it: ${error}`,
          address,
        );
      }
      const t = now();
      const retryAfterMs = err instanceof DeliveryError ? (err.retryAfterMs ?? 0) : 0;
      // A rate limit says nothing about the message: it waits without using up an attempt.
      const rateLimited = retryAfterMs > 0;
      if (!rateLimited && entry.attempts >= policy.maxAttempts) {
        return dead(entry, `gave up after ${entry.attempts} attempts; last error: ${error}`, address);
      }
      // Counted before the write: if that fails, the entry still comes back when its lease passes.
      metrics?.messagesRetried.inc({ platform: address?.platform ?? "none" });
      const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** (entry.attempts - 1));
      const nextMs = t + (rateLimited ? retryAfterMs : Math.floor(random() * ceiling));
      if (rateLimited) {
        if (address) limiter.pause(scopeKeyOf(address), nextMs);
        await store.releaseOutbox(entry, nextMs, error);
      } else {
        await store.markRetry(entry, nextMs, error);
      }
      report.retried++;
      logFor(entry, address).warn({ error, attempts: entry.attempts, nextMs }, "delivery failed; will retry");
    };

    const deliver = async ({ entry, adapter, address }: Job) => {
      const message = entry.message as Message;
      const replaced = message.replaces ? await store.getOutbox(entry.districtId, message.replaces) : null;
      const earlierRef = replaced?.platformRef && adapter.update ? replaced.platformRef : null;
      // A claim after a failed or crashed one: the platform may have taken the message without us
      // recording it, so look before sending again (an update in place needs no look).
      const mayBeOut = entry.attempts > 1 && !earlierRef;
      let ref: string;
      let found = false;
      try {
        const earlier = mayBeOut ? await adapter.findSent?.(address, message, entry.createdMs) : null;
        found = !!earlier;
        ({ ref } =
          earlier ??
          (earlierRef
            ? await adapter.update!(address, earlierRef, message)
            : await adapter.send(address, message)));
      } catch (err) {
        return fail(entry, err, address);
      }
      // Counted once the platform has it, whether or not the record below can be written.
      metrics?.messagesSent.inc({ platform: address.platform });
      // Outside the try: a store error here must not schedule a resend of what the platform accepted.
      await store.markSent(entry, ref, now());
      report.sent++;
      const log = logFor(entry, address);
      if (found) log.info({ ref, attempts: entry.attempts }, "already in the conversation; recorded as sent");
      else log.debug({ ref, updated: earlierRef !== null }, "sent");
    };

    // One scope's entries in claim order: each goes as soon as the limiter allows, sleeping (never
    // spinning) for short waits; what cannot go within this run is handed back for when it may.
    const serveScope = async (jobs: Job[]) => {
      const queue = [...jobs];
      while (queue.length > 0) {
        const t = now();
        const waits: number[] = [];
        let go = -1;
        if (t < sendBy) {
          for (const [i, job] of queue.entries()) {
            const wait = limiter.reserve(job.address, t);
            if (wait === 0) {
              go = i;
              break;
            }
            waits.push(wait);
          }
        }
        if (go >= 0) {
          const job = queue.splice(go, 1)[0]!;
          await sending(() => deliver(job));
          continue;
        }
        const soonest = Math.min(...waits);
        if (t + soonest <= Math.min(holdUntil, sendBy)) {
          await sleep(soonest);
          continue;
        }
        for (const [i, job] of queue.entries()) {
          await store.releaseOutbox(
            job.entry,
            t + (waits[i] ?? 0),
            `waiting for the rate limit of ${scopeKeyOf(job.address)}`,
          );
          report.deferred++;
          metrics?.messagesDeferred.inc({ platform: job.address.platform });
        }
        return;
      }
    };

    const scopes = new Map<string, Job[]>();
    await eachLimit(entries, policy.concurrency, async (entry) => {
      try {
        const found = await resolve(entry);
        if ("reason" in found) return await dead(entry, found.reason);
        const key = scopeKeyOf(found.address);
        const jobs = scopes.get(key) ?? [];
        jobs.push({ entry, ...found });
        scopes.set(key, jobs);
      } catch (err) {
        await fail(entry, err);
      }
    });
    // Resolution ran concurrently: put each scope back in claim order.
    const order = new Map(entries.map((e, i) => [e, i]));
    const groups = [...scopes.values()].map((jobs) =>
      jobs.sort((a, b) => order.get(a.entry)! - order.get(b.entry)!),
    );
    await eachLimit(groups, groups.length, serveScope);

    const endMs = now();
    limiter.sweep(endMs);
    if (metrics && endMs >= gaugeDueMs) {
      metrics.outboxQueued.set((await store.outboxCounts()).pending);
      gaugeDueMs = endMs + GAUGE_EVERY_MS;
    }
    if (report.claimed > 0) logger.info(report, "delivery run");
    return report;
  }

  function start(intervalMs = 1_000): void {
    if (running) return;
    running = true;
    loop = () => {
      busy = true;
      woken = false;
      inFlight = runOnce()
        // A full batch, or a wake-up during the run, means more is waiting: go again at once.
        .then((r) => (r.claimed >= policy.batch || woken ? 0 : intervalMs))
        .catch((err: unknown) => {
          logger.error({ err }, "delivery run failed");
          return intervalMs;
        })
        .then((next) => {
          busy = false;
          if (running) timer = setTimeout(loop, next);
        });
    };
    loop();
  }

  /** Something was just enqueued (e.g. a partner's confirmation): send it now, not at the next interval. */
  function wake(): void {
    if (!running) return;
    if (busy) {
      woken = true;
      return;
    }
    clearTimeout(timer);
    loop();
  }

  async function stop(): Promise<void> {
    running = false;
    clearTimeout(timer);
    await inFlight;
  }
}

/** At most `limit` calls run at once; the others wait their turn, in order. */
function gate(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
