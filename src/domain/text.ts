// Free text people type into forms, and how long each kind may be.

export const GLOW_MAX = 1000;
export const GROW_MAX = 1000;
export const NOTE_MAX = 500;
export const REFLECTION_MAX = 1000;
export const REASON_MAX = 300;

/** Trimmed, with \n line breaks kept, spaces around them dropped, and runs of spaces and tabs made one space. */
export function cleanText(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}
