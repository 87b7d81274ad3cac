// Shared by the scheduler tests: a real SQLite store in a temp dir and a logger whose lines can be read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type Logger } from "../../../src/log.js";
import type { Store } from "../../../src/store/port.js";
import { openSqliteStore } from "../../../src/store/sqlite.js";

export const T0 = Date.parse("2026-03-02T13:00:00Z");

export function openTempStore(): { store: Store; dispose(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-scheduler-"));
  const store = openSqliteStore(join(dir, "coachbot.db"));
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function captureLogger(): { logger: Logger; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => void chunks.push(line) });
  return {
    logger,
    text: () => chunks.join(""),
    lines: () => chunks.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
