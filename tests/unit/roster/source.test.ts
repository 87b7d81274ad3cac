import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadDemoRoster } from "../../../src/roster/demo.js";
import { RosterSource } from "../../../src/roster/source.js";
import type { Store } from "../../../src/store/port.js";
import { openTempStore } from "../scheduler/fixtures.js";

let store: Store;
let dispose: () => Promise<void>;
beforeEach(() => {
  ({ store, dispose } = openTempStore());
});
afterEach(() => dispose());

describe("RosterSource", () => {
  it("re-reads the stored roster after 30 s only when an import changed it", async () => {
    const demo = await loadDemoRoster();
    await store.replaceRoster(demo);
    let nowMs = 0;
    const source = new RosterSource(store, () => nowMs);
    const reads = vi.spyOn(store, "getRoster");

    const first = await source.get();
    nowMs += 31_000;
    expect(await source.get()).toBe(first);
    nowMs += 31_000;
    expect(await source.get()).toBe(first);
    expect(reads).toHaveBeenCalledTimes(1);

    // Another process imports: the next check after 30 s sees it, not before.
    const [gone, ...kept] = demo.people;
    await store.replaceRoster({ ...demo, people: kept });
    nowMs += 10_000;
    expect((await source.get()).person(gone!.id)).toBeDefined();
    nowMs += 21_000;
    expect((await source.get()).person(gone!.id)).toBeUndefined();
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
