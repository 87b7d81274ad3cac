import { RosterIndex } from "../domain/roster-index.js";
import type { Store } from "../store/port.js";

const REFRESH_MS = 30_000;

/**
 * The roster as the workflows see it: the stored snapshot, checked at most every 30 s so an
 * import by `coachbot roster import` (another process) reaches every running instance. Re-read
 * only when its revision moved: parsing and indexing costs about 0.5 s per 100,000 educators,
 * time the event loop would not serve anyone.
 */
export class RosterSource {
  private cached: { index: RosterIndex; at: number; revision: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async get(): Promise<RosterIndex> {
    if (this.cached && this.nowMs() - this.cached.at < REFRESH_MS) return this.cached.index;
    const revision = await this.store.rosterRevision();
    if (this.cached?.revision === revision) {
      this.cached.at = this.nowMs();
      return this.cached.index;
    }
    const roster = await this.store.getRoster();
    if (!roster) throw new Error("no roster is stored: run `coachbot roster import FILE`");
    this.cached = { index: new RosterIndex(roster), at: this.nowMs(), revision };
    return this.cached.index;
  }

  /** Drops the cache (after this process imported a roster). */
  invalidate(): void {
    this.cached = null;
  }
}
