import { describe, expect, it } from "vitest";
import {
  FORM_CALLBACK,
  fieldErrors,
  formValues,
  parseMeta,
  renderModal,
} from "../../../adapters/slack/modal.js";
import { type FormDef, formView, validateForm } from "../../../src/ui/forms.js";
import type { FieldSpec, FormView } from "../../../src/ui/model.js";
import { checkinForm } from "../../../src/workflows/checkin-forms.js";
import { FORMS, feedbackForm, scheduleForm } from "../../../src/workflows/forms.js";
import { blockKitViolations } from "../../fixtures/blockkit-limits.js";

type Json = Record<string, unknown>;

const field = (name: string, input: FieldSpec["input"], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label: name,
  required: true,
  input,
  ...extra,
});
const form = (fields: FieldSpec[], extra: Partial<FormView> = {}): FormView => ({
  id: "f.test",
  title: "Test",
  fields,
  submitLabel: "Send",
  context: "d/c1",
  ...extra,
});
const elementOf = (view: Json, blockId: string) =>
  (view.blocks as Json[]).find((b) => b.block_id === blockId)!.element as Json;

describe("renderModal", () => {
  const catalogue: FormDef<unknown>[] = [
    ...FORMS,
    checkinForm([{ id: "prairie-valley", name: "Prairie Valley R-IV" }]),
  ];
  for (const def of catalogue) {
    it(`renders ${def.id} as a modal Slack accepts, one input per field`, () => {
      const view = renderModal(formView(def, "prairie-valley/pv-1-c1")) as unknown as Json;
      expect(blockKitViolations("views.open", { view })).toEqual([]);
      expect(view.callback_id).toBe(FORM_CALLBACK);
      expect(parseMeta(String(view.private_metadata))).toEqual({
        form: def.id,
        context: "prairie-valley/pv-1-c1",
      });
      const inputs = (view.blocks as Json[]).filter((b) => b.type === "input");
      expect(inputs.map((b) => b.block_id)).toEqual(def.fields.map((f) => f.name));
      expect(inputs.map((b) => b.optional)).toEqual(def.fields.map((f) => !f.required));
    });
  }

  it("maps every input kind to its element, with the form's values filled in", () => {
    const view = renderModal(
      form(
        [
          field("short", "text", { maxLength: 80 }),
          field("long", "longText", { maxLength: 5000, hint: "Be specific." }),
          field("pick", "select", {
            options: [
              { value: "a", label: "A" },
              { value: "b", label: "B" },
            ],
          }),
          field("few", "multiSelect", {
            options: [
              { value: "a", label: "A" },
              { value: "b", label: "B" },
            ],
          }),
          field("many", "multiSelect", {
            options: Array.from({ length: 12 }, (_, i) => ({ value: `v${i}`, label: `V${i}` })),
          }),
          field("day", "date"),
          field("at", "time"),
          field("stars", "rating", { required: false }),
        ],
        {
          values: {
            short: "hi",
            pick: "b",
            few: ["b"],
            many: ["v3"],
            day: "2026-09-16",
            at: "09:30",
            stars: 4,
            long: "",
          },
        },
      ),
    ) as unknown as Json;
    expect(blockKitViolations("views.open", { view })).toEqual([]);
    expect(elementOf(view, "short")).toEqual({
      type: "plain_text_input",
      action_id: "short",
      multiline: false,
      max_length: 80,
      initial_value: "hi",
    });
    expect(elementOf(view, "long")).toEqual({
      type: "plain_text_input",
      action_id: "long",
      multiline: true,
      max_length: 3000,
    });
    expect(elementOf(view, "pick")).toMatchObject({ type: "static_select", initial_option: { value: "b" } });
    expect(elementOf(view, "few")).toMatchObject({ type: "checkboxes", initial_options: [{ value: "b" }] });
    expect(elementOf(view, "many")).toMatchObject({
      type: "multi_static_select",
      initial_options: [{ value: "v3" }],
    });
    expect(elementOf(view, "day")).toEqual({
      type: "datepicker",
      action_id: "day",
      initial_date: "2026-09-16",
    });
    expect(elementOf(view, "at")).toEqual({ type: "timepicker", action_id: "at", initial_time: "09:30" });
    expect(elementOf(view, "stars")).toMatchObject({ type: "static_select", initial_option: { value: "4" } });
    expect(((elementOf(view, "stars").options as Json[]) ?? []).map((o) => o.value)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);
  });

  it("keeps the title and submit label within 24 characters and escapes the intro", () => {
    const view = renderModal(
      form([field("a", "text")], {
        title: "A title much longer than Slack allows",
        submitLabel: "Send it to every partner now",
        intro: "<!channel> & co",
      }),
    ) as unknown as Json;
    expect((view.title as Json).text).toHaveLength(24);
    expect((view.submit as Json).text).toHaveLength(24);
    expect(((view.blocks as Json[])[0]!.text as Json).text).toBe("&lt;!channel&gt; &amp; co");
  });

  it("shows errors a form comes back with above its inputs", () => {
    const view = renderModal(
      form([field("glow", "longText", { label: "Strength" })], {
        errors: { glow: "Start with a strength." },
      }),
    ) as unknown as Json;
    expect(((view.blocks as Json[])[0]!.text as Json).text).toBe(
      ":warning: *Strength*: Start with a strength.",
    );
  });

  it("refuses a form too big for a modal instead of cutting it", () => {
    const fields = Array.from({ length: 101 }, (_, i) => field(`f${i}`, "text"));
    expect(() => renderModal(form(fields))).toThrow(/101 blocks/);
  });
});

describe("a submitted modal", () => {
  it("reads back as the plain values the form's schema validates", () => {
    const values = formValues({
      focus: {
        focus: {
          type: "static_select",
          selected_option: { text: { type: "plain_text", text: "Feedback" }, value: "Feedback" },
        },
      },
      evidence: {
        evidence: {
          type: "checkboxes",
          selected_options: [{ text: { type: "plain_text", text: "x" }, value: "observation" }],
        },
      },
      glow: { glow: { type: "plain_text_input", value: "Clear modelling." } },
      grow: { grow: { type: "plain_text_input", value: "Wait time." } },
      nextStep: {
        nextStep: {
          type: "static_select",
          selected_option: { text: { type: "plain_text", text: "x" }, value: "resource" },
        },
      },
      nextStepNote: { nextStepNote: { type: "plain_text_input", value: null } },
      momentOfNeed: { momentOfNeed: { type: "static_select", selected_option: null } },
    });
    expect(values).toEqual({
      focus: "Feedback",
      evidence: ["observation"],
      glow: "Clear modelling.",
      grow: "Wait time.",
      nextStep: "resource",
      nextStepNote: null,
      momentOfNeed: null,
    });
    expect(validateForm(feedbackForm, values).ok).toBe(true);
  });

  it("reads dates and times", () => {
    const values = formValues({
      date: { date: { type: "datepicker", selected_date: "2026-09-16" } },
      time: { time: { type: "timepicker", selected_time: "09:30" } },
      note: { note: { type: "plain_text_input", value: null } },
    });
    expect(validateForm(scheduleForm, values)).toEqual({
      ok: true,
      data: { date: "2026-09-16", time: "09:30", note: undefined },
    });
  });

  it("puts each error on its input, and one for no input on the first", () => {
    expect(fieldErrors(["date", "time"], { time: "Too late.", form: "Something else." })).toEqual({
      time: "Too late.",
      date: "Something else.",
    });
  });

  it("ignores private_metadata that is not ours", () => {
    expect(parseMeta("not json")).toBeNull();
    expect(parseMeta(JSON.stringify({ form: 1 }))).toBeNull();
    expect(parseMeta(undefined)).toBeNull();
  });
});
