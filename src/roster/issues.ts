import type { Roster } from "../domain/model.js";

/** One problem in a roster file, located well enough for a school IT person to fix it. */
export interface RosterIssue {
  file: string;
  /** 1-based; null when the problem is about the file as a whole. */
  line: number | null;
  /** Where in the file, e.g. "people[3].district" (a CSV column name for people from a CSV). */
  field: string;
  message: string;
  fix?: string;
}

export type RosterResult =
  | { ok: true; roster: Roster; warnings: RosterIssue[] }
  | { ok: false; issues: RosterIssue[] };

/** A position in the parsed file: object keys and array indexes. */
export type Path = readonly (string | number)[];

/** A problem before it is located: the checks speak in paths, the loader turns them into lines. */
export interface PathIssue {
  path: Path;
  message: string;
  fix?: string;
}

export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** Why a file could not be read, in words: "there is no such file" rather than ENOENT. */
export function unreadable(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : (e as Error).message;
}
