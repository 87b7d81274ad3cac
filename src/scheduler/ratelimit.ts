import { type Address, conversationOf } from "../adapter.js";
import type { Platform } from "../ui/model.js";

/** At most `limit` sends in any `windowMs` span. */
export interface Window {
  limit: number;
  windowMs: number;
}

/** Per platform: windows per conversation (channel / chat) and per scope (Slack workspace / Teams tenant). */
export type RateLimits = Record<Platform, { perConversation: Window[]; perScope: Window[] }>;

/**
 * Slack: chat.postMessage allows about 1/s per channel plus an unpublished workspace-wide limit
 * (we stay at the Tier 4 floor). Teams: the documented per-conversation limits and about
 * 50 requests/s per app per tenant. Local web chat has none.
 */
export const DEFAULT_LIMITS: RateLimits = {
  slack: { perConversation: [{ limit: 1, windowMs: 1_000 }], perScope: [{ limit: 100, windowMs: 60_000 }] },
  teams: {
    perConversation: [
      { limit: 7, windowMs: 1_000 },
      { limit: 60, windowMs: 30_000 },
      { limit: 1800, windowMs: 3_600_000 },
    ],
    perScope: [{ limit: 50, windowMs: 1_000 }],
  },
  local: { perConversation: [], perScope: [] },
};

/** The key a 429 pauses: every conversation of one workspace / tenant. */
export function scopeKeyOf(address: Address): string {
  return `${address.platform}:${address.scope}`;
}

export interface RateLimiter {
  /** 0: go now, and the send is counted; else the ms to wait (nothing is counted). */
  reserve(address: Address, nowMs: number): number;
  /** No send in this scope before untilMs (a 429's Retry-After). */
  pause(scopeKey: string, untilMs: number): void;
  /** Forgets windows and pauses that have passed, so idle conversations cost no memory. */
  sweep(nowMs: number): void;
}

/**
 * A platform counts a send when it arrives, we when it leaves: with send latencies that vary by tens
 * of ms, two sends a window apart here can land inside one window there (a 429, and the whole scope
 * paused for its Retry-After). Each window is kept this much longer than the platform's.
 */
export const WINDOW_MARGIN_MS = 50;

/** Sliding-window logs, exact at every window edge (a token bucket would allow a burst of 60 within 1 s). */
export function createRateLimiter(limits: RateLimits, marginMs = WINDOW_MARGIN_MS): RateLimiter {
  // Send times per key, ascending, trimmed to the longest window of that key.
  const logs = new Map<string, { times: number[]; spanMs: number }>();
  const pauses = new Map<string, number>();

  const trim = (log: { times: number[]; spanMs: number }, nowMs: number) => {
    const keep = log.times.findIndex((t) => t > nowMs - log.spanMs);
    log.times.splice(0, keep === -1 ? log.times.length : keep);
  };

  const waitFor = (key: string, windows: Window[], nowMs: number): number => {
    const log = logs.get(key);
    if (!log) return 0;
    trim(log, nowMs);
    let wait = 0;
    for (const { limit, windowMs: platformMs } of windows) {
      const windowMs = platformMs + marginMs;
      const inWindow = log.times.filter((t) => t > nowMs - windowMs).length;
      // The send that must leave the window first is the limit-th most recent.
      if (inWindow >= limit) wait = Math.max(wait, log.times[log.times.length - limit]! + windowMs - nowMs);
    }
    return wait;
  };

  const record = (key: string, windows: Window[], nowMs: number) => {
    if (windows.length === 0) return;
    const log = logs.get(key) ?? {
      times: [],
      spanMs: Math.max(...windows.map((w) => w.windowMs)) + marginMs,
    };
    log.times.push(nowMs);
    logs.set(key, log);
  };

  return {
    reserve(address, nowMs) {
      const { perConversation, perScope } = limits[address.platform];
      const scopeKey = scopeKeyOf(address);
      const conversationKey = `${scopeKey}:${conversationOf(address)}`;
      const wait = Math.max(
        (pauses.get(scopeKey) ?? 0) - nowMs,
        waitFor(scopeKey, perScope, nowMs),
        waitFor(conversationKey, perConversation, nowMs),
      );
      if (wait > 0) return wait;
      record(scopeKey, perScope, nowMs);
      record(conversationKey, perConversation, nowMs);
      return 0;
    },
    pause(scopeKey, untilMs) {
      pauses.set(scopeKey, Math.max(untilMs, pauses.get(scopeKey) ?? 0));
    },
    sweep(nowMs) {
      for (const [key, log] of logs) {
        trim(log, nowMs);
        if (log.times.length === 0) logs.delete(key);
      }
      for (const [key, untilMs] of pauses) if (untilMs <= nowMs) pauses.delete(key);
    },
  };
}
