import { createHash } from "node:crypto";
import type { RosterIndex } from "../domain/roster-index.js";
import { findStudentMentions, studentWarning } from "../domain/student-names.js";
import type { WorkflowDeps } from "./deps.js";

const WARNED_FOR_MS = 24 * 3_600_000;
const knownNamesCache = new WeakMap<RosterIndex, Set<string>>();

function knownNames(roster: RosterIndex): Set<string> {
  let names = knownNamesCache.get(roster);
  if (!names) {
    names = new Set(roster.roster.people.flatMap((p) => p.name.toLowerCase().split(/[\s-]+/)));
    knownNamesCache.set(roster, names);
  }
  return names;
}

/**
 * Per-field warnings for text that may name a student, shown before anything is saved. The
 * same text sent again is accepted: the warning is remembered (by a hash, never the text) for a day.
 */
export async function studentMentionErrors(
  deps: WorkflowDeps,
  roster: RosterIndex,
  scope: string,
  fields: Record<string, string | undefined>,
): Promise<Record<string, string> | null> {
  const errors: Record<string, string> = {};
  for (const [name, text] of Object.entries(fields)) {
    if (!text) continue;
    const mentions = findStudentMentions(text, knownNames(roster));
    if (mentions.length === 0) continue;
    const hash = createHash("sha256").update(text).digest("base64url").slice(0, 22);
    if (await deps.store.claimOnce(`student-warning:${scope}:${name}:${hash}`, WARNED_FOR_MS)) {
      errors[name] = studentWarning(mentions);
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}
