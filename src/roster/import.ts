import type { Store } from "../store/port.js";
import type { RosterResult } from "./issues.js";
import { loadRoster } from "./load.js";

/** Loads and, only when the file has no problems at all, replaces the stored roster with it. */
export async function importRoster(store: Store, path: string): Promise<RosterResult> {
  const result = await loadRoster(path);
  if (result.ok) await store.replaceRoster(result.roster);
  return result;
}
