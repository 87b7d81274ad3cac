import type { Store } from "./store/port.js";

/** Time is injected everywhere: tests and `coachbot tick --now` move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock the caller sets; used in tests. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The service's "now", read once per request or tick. */
export interface TimeSource {
  readonly mode: "system" | "manual";
  now(): Promise<Date>;
  /** Manual mode only: moves every process's "now" (kept in the store so all instances agree). */
  set?(at: Date): Promise<void>;
}

export function systemTime(clock: Clock = systemClock): TimeSource {
  return { mode: "system", now: async () => clock.now() };
}

const CLOCK_DOC = { ns: "clock", id: "now" } as const;

/** CLOCK=manual: the instant last set by `coachbot tick --now` or the local chat's time travel. */
export function manualTime(store: Store, fallback: Clock = systemClock): TimeSource {
  return {
    mode: "manual",
    async now() {
      const doc = await store.getDoc<{ at: string }>(CLOCK_DOC.ns, CLOCK_DOC.id);
      return doc ? new Date(doc.at) : fallback.now();
    },
    async set(at) {
      await store.putDoc(CLOCK_DOC.ns, CLOCK_DOC.id, { at: at.toISOString() });
    },
  };
}
