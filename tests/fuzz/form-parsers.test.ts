import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formValues, parseMeta } from "../../adapters/slack/modal.js";
import { toInbound } from "../../adapters/teams/inbound.js";
import { type FormDef, validateForm } from "../../src/ui/forms.js";
import { checkinForm } from "../../src/workflows/checkin-forms.js";
import { FORMS } from "../../src/workflows/forms.js";
import { FUZZ_RUNS } from "./writes.js";

// Every form parser, fed hostile values: the adapters' submission parsers (Slack view state,
// Teams card data) never throw and hand on only plain values, and the one zod schema of each form
// either refuses with a message per known field or yields data within the form's limits.

const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 1200 }),
  fc.constantFrom(
    "  ",
    "\n\t",
    "<b>x</b>",
    "2026-02-30",
    "25:61",
    "2026-09-16",
    "09:30",
    "observation",
    "modeling",
    "Feedback",
  ),
);
const value = fc.oneof(
  hostile,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostile, { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const ALL_FORMS = [
  ...FORMS,
  checkinForm([{ id: "prairie-valley", name: "Prairie Valley R-IV" }]),
] as unknown as FormDef<Record<string, unknown>>[];

describe("fuzzing the form parsers", () => {
  for (const form of ALL_FORMS) {
    it(`${form.id}: ${FUZZ_RUNS} hostile submissions are refused per field or parsed within limits`, () => {
      const names = form.fields.map((f) => f.name);
      fc.assert(
        fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string()), value), (values) => {
          const result = validateForm(form, values);
          if (!result.ok) {
            for (const [name, message] of Object.entries(result.errors)) {
              expect(names).toContain(name);
              expect(message.length).toBeGreaterThan(0);
            }
            return;
          }
          for (const f of form.fields) {
            const v = (result.data as Record<string, unknown>)[f.name];
            if (f.required) expect(v).not.toBeUndefined();
            if (v === undefined) continue;
            if (f.input === "text" || f.input === "longText") {
              expect(typeof v).toBe("string");
              expect((v as string).trim()).not.toBe("");
              expect((v as string).length).toBeLessThanOrEqual(f.maxLength!);
            }
            if (f.input === "select") expect(f.options!.map((o) => o.value)).toContain(v);
            if (f.input === "multiSelect")
              for (const x of v as string[]) expect(f.options!.map((o) => o.value)).toContain(x);
            if (f.input === "rating") expect([1, 2, 3, 4, 5]).toContain(v);
            if (f.input === "date") expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            if (f.input === "time") expect(v).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          }
          expect(Object.keys(result.data as object).every((k) => names.includes(k))).toBe(true);
        }),
        { numRuns: FUZZ_RUNS },
      );
    });
  }

  it(`Slack: ${FUZZ_RUNS} hostile view states and private_metadata never throw`, () => {
    const state = fc.dictionary(hostile, fc.dictionary(hostile, fc.jsonValue({ maxDepth: 3 })));
    fc.assert(
      fc.property(
        state,
        fc.oneof(
          hostile,
          fc.jsonValue().map((j) => JSON.stringify(j)),
        ),
        (s, meta) => {
          const values = formValues(s as unknown as Parameters<typeof formValues>[0]);
          for (const v of Object.values(values)) {
            expect(v === null || ["string", "number"].includes(typeof v) || Array.isArray(v)).toBe(true);
          }
          const parsed = parseMeta(meta);
          if (parsed)
            expect(typeof parsed.form === "string" && typeof parsed.context === "string").toBe(true);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`Teams: ${FUZZ_RUNS} hostile card submissions never throw and pass on only plain values`, () => {
    const actor = { platform: "teams" as const, externalId: "29:x", personId: null };
    fc.assert(
      fc.property(
        fc.record(
          { text: hostile, value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(hostile, value)) },
          { requiredKeys: [] },
        ),
        (activity) => {
          const inbound = toInbound(activity, actor);
          if (inbound?.kind === "submit") {
            for (const v of Object.values(inbound.values)) {
              expect(["string", "number"].includes(typeof v) || Array.isArray(v)).toBe(true);
            }
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
