import { z } from "zod";
import type { Path, PathIssue } from "./issues.js";
import { type RosterFile, rosterFileSchema } from "./schema.js";

// Turns zod's issues into sentences a school IT person can act on, each at the path it is about.

type ZodIssue = z.core.$ZodIssue;

export function checkShape(data: unknown): { file?: RosterFile; issues: PathIssue[] } {
  const result = rosterFileSchema.safeParse(data);
  if (result.success) return { file: result.data, issues: [] };
  return { issues: result.error.issues.flatMap((i) => explain(i, [], data)) };
}

function explain(issue: ZodIssue, base: Path, data: unknown): PathIssue[] {
  const path: Path = [...base, ...(issue.path as (string | number)[])];
  const raw = valueAt(data, path);
  const name = String(path.at(-1) ?? "the file");
  switch (issue.code) {
    case "invalid_type":
      if (raw === undefined)
        return [{ path, message: `${name} is required but missing`, fix: `Add ${name}` }];
      if (raw === null) return [{ path, message: `${name} is empty`, fix: "Fill it in, or remove the line" }];
      return [
        {
          path,
          message: `should be ${KINDS[issue.expected] ?? issue.expected}, found ${kindOf(raw)}`,
          fix: fixFor(issue.expected),
        },
      ];
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown field "${key}"`,
        fix: suggestKey(key, fieldsAt(path)),
      }));
    case "invalid_value":
      return [
        {
          path,
          message: `${shown(raw)} is not a valid ${name}`,
          fix: `Use one of: ${issue.values.map(String).join(", ")}`,
        },
      ];
    case "too_small":
      if (issue.origin === "array") {
        return [
          { path, message: `needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}` },
        ];
      }
      if (issue.origin === "string") return [{ path, message: `${name} is empty`, fix: `Fill in ${name}` }];
      return [{ path, message: `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}` }];
    case "invalid_union":
      return explainUnion(issue, path, data);
    default: {
      const fix = (issue as { params?: { fix?: string } }).params?.fix;
      return [fix ? { path, message: issue.message, fix } : { path, message: issue.message }];
    }
  }
}

/** Report the branch the value was evidently meant for (its type matched); else say what was expected. */
function explainUnion(issue: z.core.$ZodIssueInvalidUnion, path: Path, data: unknown): PathIssue[] {
  const typeMismatch = (errs: ZodIssue[]) =>
    errs.length === 1 && errs[0]?.code === "invalid_type" && !errs[0].path.length;
  const meant = issue.errors.filter((errs) => !typeMismatch(errs));
  if (meant.length === 1) return meant[0]!.flatMap((i) => explain(i, path, data));
  const expected = issue.errors.flatMap((errs) =>
    errs[0]?.code === "invalid_type" ? [errs[0].expected] : [],
  );
  const kinds = expected.map((e) => KINDS[e] ?? e).join(" or ");
  return [{ path, message: `should be ${kinds || "something else"}, found ${kindOf(valueAt(data, path))}` }];
}

const KINDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  array: "a list",
  object: "a set of fields (key: value)",
  boolean: "true or false",
};

function fixFor(expected: string): string | undefined {
  if (expected === "array") return "Write it as a list, e.g. [a, b] or one '- item' per line";
  if (expected === "string") return "Put the value in quotes";
  return undefined;
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v instanceof Date) return "a date";
  if (typeof v === "object" && v) return "a set of fields";
  return `${typeof v === "string" ? "text" : typeof v} ${shown(v)}`;
}

const shown = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The field names the schema allows at a path, for "did you mean". */
function fieldsAt(path: Path): string[] {
  let s: z.ZodType | undefined = rosterFileSchema;
  for (const seg of path) s = s && child(unwrap(s, seg), seg);
  const obj = s && unwrap(s, "");
  return obj instanceof z.ZodObject ? Object.keys(obj.shape) : [];
}

function unwrap(s: z.ZodType, next: string | number): z.ZodType {
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return unwrap(s.unwrap() as z.ZodType, next);
  if (s instanceof z.ZodPipe) return unwrap(s.out as z.ZodType, next);
  if (s instanceof z.ZodUnion) {
    const want = typeof next === "number" ? z.ZodArray : z.ZodObject;
    const option = (s.options as z.ZodType[]).find((o) => unwrap(o, next) instanceof want);
    return option ? unwrap(option, next) : s;
  }
  return s;
}

function child(s: z.ZodType, seg: string | number): z.ZodType | undefined {
  if (typeof seg === "number") return s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
  return s instanceof z.ZodObject ? (s.shape[seg] as z.ZodType | undefined) : undefined;
}

function suggestKey(key: string, allowed: string[]): string {
  const close = allowed.find((a) => a.toLowerCase() === key.toLowerCase() || editDistance(a, key) <= 2);
  if (close) return `Did you mean "${close}"?`;
  return allowed.length ? `Remove it; the fields allowed here are: ${allowed.join(", ")}` : "Remove it";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
