import type { Config } from "../config.js";
import type { Roster } from "../domain/model.js";
import { CoachbotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/port.js";
import { loadDemoRoster } from "./demo.js";
import { importRoster } from "./import.js";

/**
 * Which roster the service runs with: the roster file when there is one (imported all-or-nothing;
 * a bad file stops the start), else what `coachbot roster import` stored, else the demo district.
 */
export async function bootstrapRoster(
  config: Pick<Config, "rosterFile">,
  store: Store,
  logger: Logger,
): Promise<Roster> {
  if (config.rosterFile) {
    const result = await importRoster(store, config.rosterFile);
    if (!result.ok) {
      const lines = result.issues.map((i) => `${i.file}:${i.line ?? "?"}: ${i.field}: ${i.message}`);
      throw new CoachbotError(
        "ROSTER_INVALID",
        `the roster file has ${result.issues.length} problem(s):\n${lines.join("\n")}`,
        `run \`coachbot roster check ${config.rosterFile}\` and fix each line it lists`,
      );
    }
    logger.info({ file: config.rosterFile, people: result.roster.people.length }, "roster imported");
    return result.roster;
  }
  const stored = await store.getRoster();
  if (stored) return stored;
  const demo = await loadDemoRoster();
  await store.replaceRoster(demo);
  logger.info({ people: demo.people.length }, "no roster file: using the bundled demo district");
  return demo;
}
