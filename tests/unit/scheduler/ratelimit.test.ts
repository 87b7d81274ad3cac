import { describe, expect, it } from "vitest";
import type { Address } from "../../../src/adapter.js";
import {
  createRateLimiter,
  DEFAULT_LIMITS,
  type RateLimiter,
  WINDOW_MARGIN_MS,
} from "../../../src/scheduler/ratelimit.js";

const slack = (channel: string, scope = "T1"): Address => ({ platform: "slack", scope, channel });
const teams = (conversation: string, scope = "tenant-a"): Address => ({
  platform: "teams",
  scope,
  conversation,
});

/** Sends `count` messages as early as the limiter allows, starting at `fromMs`; returns the send times. */
function sendGreedily(
  limiter: RateLimiter,
  address: (i: number) => Address,
  count: number,
  fromMs = 0,
): number[] {
  const times: number[] = [];
  let t = fromMs;
  while (times.length < count) {
    const wait = limiter.reserve(address(times.length), t);
    if (wait === 0) times.push(t);
    else t += wait;
  }
  return times;
}

/** The most sends found in any window of `windowMs` (windows start at a send). */
function busiest(times: number[], windowMs: number): number {
  return Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

describe("rate limiter", () => {
  it("by default keeps every window WINDOW_MARGIN_MS longer than the platform's (sends land later than they leave)", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS);
    expect(WINDOW_MARGIN_MS).toBeGreaterThan(0);
    expect(limiter.reserve(slack("C1"), 0)).toBe(0);
    expect(limiter.reserve(slack("C1"), 1_000)).toBe(WINDOW_MARGIN_MS);
    expect(limiter.reserve(slack("C1"), 1_000 + WINDOW_MARGIN_MS)).toBe(0);
  });

  it("Slack: one message per second per channel; other channels of the workspace go meanwhile", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    expect(limiter.reserve(slack("C1"), 0)).toBe(0);
    expect(limiter.reserve(slack("C1"), 400)).toBe(600);
    expect(limiter.reserve(slack("C2"), 400)).toBe(0);
    expect(limiter.reserve(slack("C1"), 999)).toBe(1);
    expect(limiter.reserve(slack("C1"), 1_000)).toBe(0);
  });

  it("Slack: the workspace window caps all channels together, and only that workspace", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    const [{ limit, windowMs }] = DEFAULT_LIMITS.slack.perScope as [{ limit: number; windowMs: number }];
    for (let i = 0; i < limit; i++) expect(limiter.reserve(slack(`C${i}`), i)).toBe(0);
    expect(limiter.reserve(slack("C-next"), limit)).toBe(windowMs - limit);
    expect(limiter.reserve(slack("C-next", "T2"), limit)).toBe(0);
    expect(limiter.reserve(slack("C-next"), windowMs)).toBe(0);
  });

  it("Teams: 7 per second per conversation", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    for (let i = 0; i < 7; i++) expect(limiter.reserve(teams("19:chat-1"), i * 10)).toBe(0);
    expect(limiter.reserve(teams("19:chat-1"), 100)).toBe(900);
    expect(limiter.reserve(teams("19:chat-2"), 100)).toBe(0);
  });

  it("Teams: 60 per 30 s per conversation, however the sends are spread", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    const times = sendGreedily(limiter, () => teams("19:chat-1"), 61);
    // 7/s lets 60 through within 9 s; the 61st waits for the first to leave the 30 s window.
    expect(times[59]).toBeLessThan(9_000);
    expect(times[60]).toBe(30_000);
    expect(busiest(times, 1_000)).toBeLessThanOrEqual(7);
    expect(busiest(times, 30_000)).toBeLessThanOrEqual(60);
  });

  it("Teams: 1800 per hour per conversation", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    const times = sendGreedily(limiter, () => teams("19:chat-1"), 1801);
    expect(times[1800]).toBe(3_600_000);
    expect(busiest(times, 3_600_000)).toBe(1800);
    expect(busiest(times, 30_000)).toBeLessThanOrEqual(60);
  });

  it("Teams: 50 per second per tenant across conversations; other tenants unaffected", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    for (let i = 0; i < 50; i++) expect(limiter.reserve(teams(`19:chat-${i}`), 0)).toBe(0);
    expect(limiter.reserve(teams("19:chat-50"), 0)).toBe(1_000);
    expect(limiter.reserve(teams("19:chat-50", "tenant-b"), 0)).toBe(0);
    const times = sendGreedily(limiter, (i) => teams(`19:other-${i}`), 200, 1_000);
    expect(busiest(times, 1_000)).toBe(50);
  });

  it("a refused reservation is not counted", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    limiter.reserve(slack("C1"), 0);
    for (let t = 100; t < 1_000; t += 100) expect(limiter.reserve(slack("C1"), t)).toBe(1_000 - t);
    expect(limiter.reserve(slack("C1"), 1_000)).toBe(0);
  });

  it("a pause (429 Retry-After) holds the whole scope until it passes, and never shortens", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    limiter.pause("slack:T1", 30_000);
    limiter.pause("slack:T1", 10_000);
    expect(limiter.reserve(slack("C1"), 0)).toBe(30_000);
    expect(limiter.reserve(slack("C2"), 29_000)).toBe(1_000);
    expect(limiter.reserve(slack("C1", "T2"), 0)).toBe(0);
    expect(limiter.reserve(slack("C1"), 30_000)).toBe(0);
  });

  it("local web chat is unlimited", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    const local: Address = { platform: "local", scope: "local", person: "ana@hillcrest.org" };
    for (let i = 0; i < 1_000; i++) expect(limiter.reserve(local, 0)).toBe(0);
  });

  it("sweep forgets only what has left every window", () => {
    const limiter = createRateLimiter(DEFAULT_LIMITS, 0);
    limiter.reserve(slack("C1"), 0);
    limiter.pause("slack:T2", 5_000);
    limiter.sweep(500);
    expect(limiter.reserve(slack("C1"), 500)).toBe(500);
    expect(limiter.reserve(slack("C1", "T2"), 500)).toBe(4_500);
    limiter.sweep(5_000);
    expect(limiter.reserve(slack("C1", "T2"), 5_000)).toBe(0);
  });
});
