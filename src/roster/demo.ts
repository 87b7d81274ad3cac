import { fileURLToPath } from "node:url";
import type { Roster } from "../domain/model.js";
import { CoachbotError } from "../errors.js";
import { loadRoster } from "./load.js";

/** The bundled demo districts, used when there is no roster file. */
export const DEMO_ROSTER_PATH = fileURLToPath(new URL("./demo-roster.yaml", import.meta.url));

export async function loadDemoRoster(): Promise<Roster> {
  const result = await loadRoster(DEMO_ROSTER_PATH);
  if (result.ok) return result.roster;
  // A broken demo is a packaging bug, not something an operator can fix.
  const first = result.issues[0];
  throw new CoachbotError(
    "ROSTER_INVALID",
    `the bundled demo roster is invalid: ${first?.field}: ${first?.message}`,
  );
}
