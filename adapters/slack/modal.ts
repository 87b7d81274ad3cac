import type { types, ViewStateValue } from "@slack/bolt";
import type { FieldSpec, FormView } from "../../src/ui/model.js";
import { chunk, clip, escapeMrkdwn } from "./mrkdwn.js";
import { LIMITS } from "./render.js";

// A neutral form as a Slack modal, and a submitted modal back to plain values. Each field is an
// input block whose block_id (and action_id) is the field name, so Slack's field errors line up.

/** Every form modal carries this callback_id; which form it is travels in private_metadata. */
export const FORM_CALLBACK = "coach.form";

const TITLE_MAX = 24;
const OPTION_TEXT_MAX = 75;
const INPUT_MAX = 3000;
/** Up to this many options show as checkboxes (Slack's limit); more as a multi-select menu. */
const CHECKBOXES_MAX = 10;
const RATINGS = ["1", "2", "3", "4", "5"];

export interface FormMeta {
  form: string;
  context: string;
}

export function renderModal(form: FormView): types.ModalView {
  const intro = form.intro ? chunk(escapeMrkdwn(form.intro), LIMITS.sectionText) : [];
  const problems = Object.entries(form.errors ?? {}).map(([name, message]) => {
    const label = form.fields.find((f) => f.name === name)?.label ?? name;
    return `:warning: *${escapeMrkdwn(label)}*: ${escapeMrkdwn(message)}`;
  });
  const blocks: types.KnownBlock[] = [
    ...intro.map((text): types.SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } })),
    ...(problems.length
      ? chunk(problems.join("\n"), LIMITS.sectionText).map(
          (text): types.SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } }),
        )
      : []),
    ...form.fields.map((f) => inputBlock(f, form.values?.[f.name])),
  ];
  // Forms are ours and small; one that outgrew a modal is a bug to fix, not something to cut silently.
  if (blocks.length > LIMITS.viewBlocks)
    throw new Error(`form ${form.id} needs ${blocks.length} blocks; a modal holds ${LIMITS.viewBlocks}`);
  return {
    type: "modal",
    callback_id: FORM_CALLBACK,
    private_metadata: JSON.stringify({ form: form.id, context: form.context } satisfies FormMeta),
    title: plain(clip(form.title, TITLE_MAX)),
    submit: plain(clip(form.submitLabel, TITLE_MAX)),
    close: plain("Cancel"),
    blocks,
  };
}

export function parseMeta(privateMetadata: string | undefined): FormMeta | null {
  try {
    const meta = JSON.parse(privateMetadata ?? "") as Partial<FormMeta>;
    return typeof meta.form === "string" && typeof meta.context === "string"
      ? { form: meta.form, context: meta.context }
      : null;
  } catch {
    return null;
  }
}

/** A submitted modal's state as plain values: strings, string arrays, or null for an empty field. */
export function formValues(state: Record<string, Record<string, ViewStateValue>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const input = Object.values(actions)[0];
    if (!input) continue;
    values[blockId] =
      input.selected_options?.map((o) => o.value) ??
      input.selected_option?.value ??
      input.selected_date ??
      input.selected_time ??
      input.value ??
      null;
  }
  return values;
}

/**
 * Errors keyed by input block id, as `response_action: "errors"` wants them. An error for no
 * input of the modal (e.g. the whole form) is shown on its first input, so it is never lost.
 */
export function fieldErrors(inputs: string[], errors: Record<string, string>): Record<string, string> {
  const first = inputs[0] ?? "form";
  const out: Record<string, string> = {};
  for (const [name, message] of Object.entries(errors)) {
    const key = inputs.includes(name) ? name : first;
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  }
  return out;
}

function plain(text: string): types.PlainTextElement {
  return { type: "plain_text", text, emoji: true };
}

function option(value: string, label: string): types.PlainTextOption {
  return { text: plain(clip(label, OPTION_TEXT_MAX)), value };
}

function inputBlock(field: FieldSpec, initial: unknown): types.InputBlock {
  return {
    type: "input",
    block_id: field.name,
    label: plain(clip(field.label, LIMITS.fieldText)),
    ...(field.hint ? { hint: plain(clip(field.hint, LIMITS.fieldText)) } : {}),
    optional: !field.required,
    element: element(field, initial),
  };
}

function element(field: FieldSpec, initial: unknown): types.InputBlockElement {
  const action_id = field.name;
  const options = (
    field.input === "rating" ? RATINGS.map((r) => ({ value: r, label: r })) : (field.options ?? [])
  ).map((o) => option(o.value, o.label));
  const chosen = (values: unknown[]) => options.filter((o) => values.map(String).includes(o.value ?? ""));
  switch (field.input) {
    case "text":
    case "longText":
      return {
        type: "plain_text_input",
        action_id,
        multiline: field.input === "longText",
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, INPUT_MAX) } : {}),
        ...(typeof initial === "string" && initial ? { initial_value: initial } : {}),
      };
    case "select":
    case "rating": {
      const [initial_option] = chosen(initial === undefined || initial === null ? [] : [initial]);
      return { type: "static_select", action_id, options, ...(initial_option ? { initial_option } : {}) };
    }
    case "multiSelect": {
      const initial_options = chosen(Array.isArray(initial) ? initial : []);
      const picked = initial_options.length ? { initial_options } : {};
      return options.length <= CHECKBOXES_MAX
        ? { type: "checkboxes", action_id, options, ...picked }
        : { type: "multi_static_select", action_id, options, ...picked };
    }
    case "date":
      return {
        type: "datepicker",
        action_id,
        ...(typeof initial === "string" && /^\d{4}-\d{2}-\d{2}$/.test(initial)
          ? { initial_date: initial }
          : {}),
      };
    case "time":
      return {
        type: "timepicker",
        action_id,
        ...(typeof initial === "string" && /^\d{2}:\d{2}/.test(initial)
          ? { initial_time: initial.slice(0, 5) }
          : {}),
      };
  }
}
