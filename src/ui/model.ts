// The neutral UI model: what workflows return and every adapter renders (Block Kit, Adaptive
// Cards, HTML). It is plain JSON so it can sit in the outbox and cross HTTP unchanged.

export type Tone = "info" | "success" | "warning";

export interface Action {
  /** Stable id a click comes back with, e.g. "obs.pick-time". */
  id: string;
  label: string;
  style?: "primary" | "danger";
  /** Opaque context echoed back with the click (ids only; the workflow re-checks who may act). */
  context: string;
}

export type Block =
  | { kind: "text"; text: string; tone?: Tone }
  | { kind: "facts"; facts: { label: string; value: string }[] }
  /** A bar chart; value null means suppressed for privacy (rendered as `display`). */
  | { kind: "bars"; title: string; rows: { label: string; value: number | null; display: string }[] }
  | { kind: "actions"; actions: Action[] }
  | { kind: "link"; label: string; url: string };

export interface Message {
  /** Idempotency key; also how a later message replaces this one (e.g. after a button is used). */
  key: string;
  /** Plain-text summary: the notification text and the fallback for clients that show no blocks. */
  summary: string;
  blocks: Block[];
  /** The key of an earlier message this one updates in place (buttons used up, card with errors). */
  replaces?: string;
}

export type FieldInput = "text" | "longText" | "select" | "multiSelect" | "date" | "time" | "rating";

export interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  required: boolean;
  input: FieldInput;
  options?: { value: string; label: string }[];
  maxLength?: number;
}

/** A form ready to show: definition metadata plus the context and any values or errors. */
export interface FormView {
  id: string;
  title: string;
  intro?: string;
  fields: FieldSpec[];
  submitLabel: string;
  context: string;
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
}

export type Platform = "slack" | "teams" | "local";

export interface Actor {
  platform: Platform;
  /** The platform's user id (Slack U..., Teams aad/29:..., local person id). */
  externalId: string;
  /** Roster person id once linked; null for someone the roster does not know. */
  personId: string | null;
}

export type Inbound =
  | { kind: "command"; actor: Actor; text: string }
  | { kind: "action"; actor: Actor; action: string; context: string }
  | { kind: "submit"; actor: Actor; form: string; context: string; values: Record<string, unknown> };

/** What handling one inbound event produces for the person who sent it. */
export interface Reply {
  messages: Message[];
  /** Open this form (a Slack modal, a card, an HTML form). */
  form?: FormView;
  /** The submission was refused: field -> message. Nothing was written. */
  errors?: Record<string, string>;
  /** Optional: a non-blocking warning shown with the form (e.g. possible student name). */
  warnings?: Record<string, string>;
}
