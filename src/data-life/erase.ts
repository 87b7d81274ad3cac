import type { Cycle, Feedback, FeedbackFacts } from "../domain/model.js";

// How erased free text looks once it is gone: the facts stay exactly as they were (aggregates
// count the same), the text fields are empty or absent.

/** A feedback with its facts and no text: glow and grow empty, the optional texts absent. */
export function withoutText(feedback: FeedbackFacts): Feedback {
  const { glow, grow, nextStepNote, reflection, ...facts } = feedback as Feedback;
  return { ...facts, glow: "", grow: "" };
}

export function withoutNote(cycle: Cycle): Cycle {
  const { note, ...rest } = cycle;
  return rest;
}

/** The instant `months` calendar months before `now`: text older than this is erased. */
export function retentionCutoff(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

/** Everything ever stored, for listing calls that take a limit. */
export const ALL = Number.MAX_SAFE_INTEGER;
