import { z } from "zod";
import { cleanText } from "../domain/text.js";
import type { FieldSpec, FormView } from "./model.js";

// A form is one zod schema plus field metadata, built together from field helpers so the two
// can never disagree. Adapters render the metadata, parse a submission back to plain values
// (strings, string arrays, numbers) and the same schema validates it here.

export interface Field<T> {
  spec: FieldSpec;
  schema: z.ZodType<T>;
}

interface Common {
  label: string;
  hint?: string;
  /** The message when a required field is empty, written for the person filling it. */
  requiredMessage?: string;
}

type Options = readonly { value: string; label: string }[];

const emptyToUndefined = (v: unknown) =>
  v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0)
    ? undefined
    : v;

// The presence check must not be an optional schema: zod skips absent keys whose schema accepts undefined.
function required<T>(inner: z.ZodType<T>, message: string): z.ZodType<T> {
  return z.preprocess(
    emptyToUndefined,
    z.custom((v) => v !== undefined, { message }).pipe(inner),
  ) as z.ZodType<T>;
}

function optional<T>(inner: z.ZodType<T>): z.ZodType<T | undefined> {
  return z.preprocess(emptyToUndefined, inner.optional());
}

function textSchema(maxLength: number) {
  return z.preprocess(
    (v) => (typeof v === "string" ? cleanText(v) : v),
    z
      .string({ message: "must be text" })
      .max(maxLength, { message: `Keep it to ${maxLength} characters or fewer.` }),
  );
}

function choice(options: Options) {
  const values = options.map((o) => o.value);
  return z.string().refine((v) => values.includes(v), { message: "Pick one of the options." });
}

function spec(
  name: string,
  c: Common,
  input: FieldSpec["input"],
  isRequired: boolean,
  extra?: Partial<FieldSpec>,
) {
  return {
    name,
    label: c.label,
    ...(c.hint ? { hint: c.hint } : {}),
    required: isRequired,
    input,
    ...extra,
  } satisfies FieldSpec;
}

function build<T>(
  name: string,
  c: Common,
  input: FieldSpec["input"],
  isRequired: boolean,
  inner: z.ZodType<T>,
  extra?: Partial<FieldSpec>,
): Field<T> {
  const schema = isRequired
    ? required(inner, c.requiredMessage ?? `${c.label} is required.`)
    : optional(inner);
  return { spec: spec(name, c, input, isRequired, extra), schema: schema as z.ZodType<T> };
}

/** "2026-02-30" matches the pattern but is not a day: the round trip through Date gives it away. */
export function isRealDate(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export const field = {
  text: (name: string, c: Common & { maxLength: number; required: boolean }) =>
    build(name, c, "text", c.required, textSchema(c.maxLength), { maxLength: c.maxLength }),
  longText: (name: string, c: Common & { maxLength: number; required: boolean }) =>
    build(name, c, "longText", c.required, textSchema(c.maxLength), { maxLength: c.maxLength }),
  select: (name: string, c: Common & { options: Options; required: boolean }) =>
    build(name, c, "select", c.required, choice(c.options), { options: [...c.options] }),
  multiSelect: (name: string, c: Common & { options: Options; required: boolean }) =>
    build(
      name,
      c,
      "multiSelect",
      c.required,
      // Teams' ChoiceSet sends "a,b"; Slack and HTML send arrays.
      z.preprocess(
        (v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v),
        z.array(choice(c.options), { message: "Pick from the options." }).min(1),
      ),
      { options: [...c.options] },
    ),
  date: (name: string, c: Common & { required: boolean }) =>
    build(
      name,
      c,
      "date",
      c.required,
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "Use a date like 2026-12-08." })
        .refine(isRealDate, { message: "That date does not exist." }),
    ),
  time: (name: string, c: Common & { required: boolean }) =>
    build(
      name,
      c,
      "time",
      c.required,
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d(:00)?$/, { message: "Use a time like 09:30." })
        .transform((v) => v.slice(0, 5)),
    ),
  rating: (name: string, c: Common & { required: boolean }) =>
    build(
      name,
      c,
      "rating",
      c.required,
      z.coerce
        .number({ message: "Pick a number from 1 to 5." })
        .int({ message: "Pick a number from 1 to 5." })
        .min(1, { message: "Pick a number from 1 to 5." })
        .max(5, { message: "Pick a number from 1 to 5." }),
    ),
};

export interface FormDef<T> {
  id: string;
  title: string;
  intro?: string;
  submitLabel: string;
  fields: FieldSpec[];
  schema: z.ZodType<T>;
}

type FieldsOf<F extends Record<string, Field<unknown>>> = {
  [K in keyof F]: F[K] extends Field<infer T> ? T : never;
};

/** Builds a form from named fields; the object's key order is the order shown. */
export function defineForm<F extends Record<string, Field<unknown>>>(def: {
  id: string;
  title: string;
  intro?: string;
  submitLabel: string;
  fields: F;
}): FormDef<FieldsOf<F>> {
  const entries = Object.entries(def.fields);
  const shape = Object.fromEntries(entries.map(([k, f]) => [k, f.schema]));
  return {
    id: def.id,
    title: def.title,
    ...(def.intro ? { intro: def.intro } : {}),
    submitLabel: def.submitLabel,
    fields: entries.map(([, f]) => f.spec),
    // Unknown keys are dropped, not errors: platforms add their own (Teams adds ids of the card).
    schema: z.object(shape) as unknown as z.ZodType<FieldsOf<F>>,
  };
}

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** Validates a submission; on failure, one message per field (the first problem of each). */
export function validateForm<T>(def: FormDef<T>, values: Record<string, unknown>): Validation<T> {
  const result = def.schema.safeParse(values ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? "form");
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}

export function formView<T>(
  def: FormDef<T>,
  context: string,
  extra?: { intro?: string; values?: Record<string, unknown>; errors?: Record<string, string> },
): FormView {
  const intro = extra?.intro ?? def.intro;
  return {
    id: def.id,
    title: def.title,
    ...(intro ? { intro } : {}),
    fields: def.fields,
    submitLabel: def.submitLabel,
    context,
    ...(extra?.values ? { values: extra.values } : {}),
    ...(extra?.errors ? { errors: extra.errors } : {}),
  };
}
