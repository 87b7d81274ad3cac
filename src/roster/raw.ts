// Readers for the file as parsed, before or despite schema errors: cross-reference checks run on
// whatever is well-formed so one bad field does not hide the problems next to it.

export type RawObject = Record<string, unknown>;

export const obj = (v: unknown): RawObject =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as RawObject) : {};

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() ? v.trim() : undefined;

/** Lower-cased, the person id. */
export const emailKey = (v: unknown): string | undefined => str(v)?.toLowerCase();

export const strings = (v: unknown): string[] => list(v).flatMap((x) => str(x) ?? []);
