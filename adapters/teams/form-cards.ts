import type { FieldSpec, FormView } from "../../src/ui/model.js";
import { type AdaptiveCard, type CardElement, card, plain, textBlocks } from "./cards.js";

// A form as an Adaptive Card: one input per field, id = field name, so a submission comes back
// as { form, context, <field>: value }. Teams checks isRequired before sending; the workflows
// validate everything again and their messages are shown under each field.

/** Keys the submit button's data uses; a field may not share them. */
const RESERVED = new Set(["form", "context", "action"]);
const RATINGS = ["1", "2", "3", "4", "5"].map((v) => ({ title: v, value: v }));

export function formCard(view: FormView, warnings: Record<string, string> = {}): AdaptiveCard {
  const errors = view.errors ?? {};
  const fieldNames = new Set(view.fields.map((f) => f.name));
  const general = Object.entries(errors).filter(([name]) => !fieldNames.has(name));
  const body: CardElement[] = [
    { type: "TextBlock", text: plain(view.title), size: "Medium", weight: "Bolder", wrap: true },
    ...(view.intro ? textBlocks(view.intro) : []),
    ...(Object.keys(errors).length > 0
      ? textBlocks("Nothing was saved yet: please check the messages below.", { color: "Attention" })
      : []),
    ...general.flatMap(([, message]) => textBlocks(message, { color: "Attention" })),
    ...view.fields.flatMap((field) =>
      fieldElements(field, view.values?.[field.name], errors[field.name], warnings[field.name]),
    ),
  ];
  const submit = {
    type: "Action.Submit",
    title: view.submitLabel,
    style: "positive",
    data: { form: view.id, context: view.context },
  };
  return card(body, view.title, [submit]);
}

function fieldElements(field: FieldSpec, value: unknown, error?: string, warning?: string): CardElement[] {
  if (RESERVED.has(field.name))
    throw new Error(`form field "${field.name}" clashes with the card's submit data`);
  const hintBelow = field.hint && field.input !== "text" && field.input !== "longText";
  return [
    input(field, inputValue(value)),
    ...(hintBelow ? textBlocks(field.hint!, { isSubtle: true, size: "Small", spacing: "None" }) : []),
    ...(error ? textBlocks(error, { color: "Attention", size: "Small", spacing: "None" }) : []),
    ...(warning ? textBlocks(warning, { color: "Warning", size: "Small", spacing: "None" }) : []),
  ];
}

function input(field: FieldSpec, value: string | undefined): CardElement {
  const common = {
    id: field.name,
    label: field.label,
    isRequired: field.required,
    errorMessage: field.required ? `${field.label} is required.` : `Check ${field.label}.`,
    ...(value !== undefined ? { value } : {}),
  };
  const choices = (field.options ?? []).map((o) => ({ title: o.label, value: o.value }));
  switch (field.input) {
    case "text":
    case "longText":
      return {
        type: "Input.Text",
        ...common,
        ...(field.input === "longText" ? { isMultiline: true } : {}),
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.hint ? { placeholder: field.hint } : {}),
      };
    case "select":
      return { type: "Input.ChoiceSet", ...common, style: "compact", placeholder: "Choose…", choices };
    case "multiSelect":
      return { type: "Input.ChoiceSet", ...common, style: "expanded", isMultiSelect: true, choices };
    case "rating":
      return { type: "Input.ChoiceSet", ...common, style: "expanded", choices: RATINGS };
    case "date":
      return { type: "Input.Date", ...common };
    case "time":
      return { type: "Input.Time", ...common };
  }
}

/** A value as the card input holds it: Teams' multi-select is "a,b". */
function inputValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(String).join(",");
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * What a used form card becomes: read-only, so it cannot be sent twice. Short answers are
 * listed (choices by their labels); long text is left out, it is already in the conversation.
 */
export function submittedCard(view: FormView, values: Record<string, unknown>): AdaptiveCard {
  const facts = view.fields.flatMap((field) => {
    const shown = field.input === "longText" ? undefined : display(field, values[field.name]);
    return shown ? [{ title: plain(field.label), value: plain(shown) }] : [];
  });
  return card(
    [
      { type: "TextBlock", text: plain(view.title), size: "Medium", weight: "Bolder", wrap: true },
      ...textBlocks("Submitted.", { color: "Good" }),
      ...(facts.length > 0 ? [{ type: "FactSet", facts }] : []),
    ],
    `${view.title}: submitted`,
  );
}

function display(field: FieldSpec, value: unknown): string | undefined {
  const raw = inputValue(value);
  if (!raw) return undefined;
  if (!field.options) return raw;
  const parts = field.input === "multiSelect" ? raw.split(",") : [raw];
  return parts.map((v) => field.options?.find((o) => o.value === v)?.label ?? v).join(", ");
}
