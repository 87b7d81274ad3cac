// Shared by the workflow tests: real SQLite in a temp dir, the demo roster, WorkflowDeps over them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Roster } from "../../../src/domain/model.js";
import { RosterIndex } from "../../../src/domain/roster-index.js";
import { LinkSigner } from "../../../src/links.js";
import { createLogger } from "../../../src/log.js";
import { loadDemoRoster } from "../../../src/roster/demo.js";
import { runTick } from "../../../src/scheduler/tick.js";
import type { OutboxEntry, Store } from "../../../src/store/port.js";
import { openSqliteStore } from "../../../src/store/sqlite.js";
import type { Message } from "../../../src/ui/model.js";
import type { WorkflowDeps } from "../../../src/workflows/deps.js";
import { dueHandlers } from "../../../src/workflows/due.js";
import { seedPrairieValley } from "./digest-seed.js";

export const HOUR = 3_600_000;

export function workflowHarness(roster: Roster, privacyMinGroup = 5) {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-workflows-"));
  const store: Store = openSqliteStore(join(dir, "coachbot.db"));
  const index = new RosterIndex(roster);
  const deps: WorkflowDeps = {
    store,
    roster: async () => index,
    links: new LinkSigner("test-secret-".repeat(4), "https://coachbot.test"),
    privacyMinGroup,
  };
  const handlers = dueHandlers(deps);
  const logger = createLogger("silent");
  return {
    deps,
    store,
    roster: index,
    /** Every hour from `from` up to (not including) `to`, one tick each. */
    async runHourly(from: string, to: string) {
      for (let t = Date.parse(from); t < Date.parse(to); t += HOUR) {
        await runTick({ store, handlers, logger }, new Date(t));
      }
    },
    async outbox(prefix = ""): Promise<OutboxEntry[]> {
      const all = await store.listOutbox("pending", 100_000);
      return all.filter((e) => e.key.startsWith(prefix)).sort((a, b) => a.key.localeCompare(b.key));
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const messageOf = (e: OutboxEntry) => e.message as Message;

export type Harness = ReturnType<typeof workflowHarness>;

/** The demo roster with Prairie Valley's September and October seeded (digest-seed.ts). */
export async function seededDemo(): Promise<Harness> {
  const h = workflowHarness(await loadDemoRoster());
  await seedPrairieValley(h.store);
  return h;
}
