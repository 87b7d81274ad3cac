import type { Activity } from "botbuilder";
import type { Action, Block, Message, Tone } from "../../src/ui/model.js";

// The neutral UI model as Adaptive Cards 1.5 (what Teams renders on desktop, web and mobile).
// Every string from the model goes through `plain`: roster names and what people type must not
// turn into markdown, links, date functions or mentions.

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  fallbackText?: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: { width: "Full" };
}

const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

const TONE_COLOR: Record<Tone, string> = { info: "Accent", success: "Good", warning: "Warning" };
const ACTION_STYLE = { primary: "positive", danger: "destructive" } as const;
const BAR_WIDTH = 16;

/**
 * Text shown as typed. Backslash escapes for the markdown Teams renders (emphasis, links, lists,
 * angle brackets that could spell `<at>`), and `{{` broken so DATE()/TIME() functions never run.
 */
export function plain(text: string): string {
  return text
    .replace(/[\\*_[\]<>]/g, "\\$&")
    .replace(/^(\s*)([-+])(?=\s)/gm, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s)/gm, "$1\\.")
    .replace(/\{\{/g, "{\u200B{");
}

export function card(body: CardElement[], fallbackText?: string, actions?: CardElement[]): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    ...(fallbackText ? { fallbackText } : {}),
    body,
    ...(actions?.length ? { actions } : {}),
    msteams: { width: "Full" },
  };
}

/** One TextBlock per line: TextBlock markdown needs a blank line for a break, which spaces lines apart. */
export function textBlocks(text: string, extra: CardElement = {}): CardElement[] {
  let gap = false;
  const out: CardElement[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      gap = out.length > 0;
      continue;
    }
    const spacing = out.length === 0 ? {} : { spacing: gap ? "Medium" : "None" };
    out.push({ type: "TextBlock", text: plain(line), wrap: true, ...extra, ...spacing });
    gap = false;
  }
  return out;
}

export function messageCard(message: Message): AdaptiveCard {
  return card(message.blocks.flatMap(blockElements), message.summary);
}

/** A card as a message activity; the summary is what notifications show. */
export function cardActivity(content: AdaptiveCard, summary: string): Partial<Activity> {
  return { type: "message", summary, attachments: [{ contentType: CARD_CONTENT_TYPE, content }] };
}

export function messageActivity(message: Message): Partial<Activity> {
  return cardActivity(messageCard(message), message.summary);
}

function blockElements(block: Block): CardElement[] {
  switch (block.kind) {
    case "text":
      return textBlocks(block.text, block.tone ? { color: TONE_COLOR[block.tone] } : {});
    case "facts":
      return [
        {
          type: "FactSet",
          facts: block.facts.map((f) => ({ title: plain(f.label), value: plain(f.value) })),
        },
      ];
    case "bars":
      return [barChart(block.title, block.rows)];
    case "actions":
      return [{ type: "ActionSet", actions: block.actions.map(submitAction) }];
    case "link":
      // Only web links become buttons; anything else is shown, never opened.
      return /^https?:\/\//i.test(block.url)
        ? [{ type: "ActionSet", actions: [{ type: "Action.OpenUrl", title: block.label, url: block.url }] }]
        : textBlocks(`${block.label}: ${block.url}`);
  }
}

function submitAction(action: Action): CardElement {
  return {
    type: "Action.Submit",
    title: action.label,
    ...(action.style ? { style: ACTION_STYLE[action.style] } : {}),
    data: { action: action.id, context: action.context },
  };
}

/** Rows of label | monospace bar | value; a suppressed row (value null) shows its display only. */
function barChart(
  title: string,
  rows: { label: string; value: number | null; display: string }[],
): CardElement {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const bar = (v: number | null) =>
    v === null || max === 0 ? "" : "█".repeat(Math.max(v > 0 ? 1 : 0, Math.round((v / max) * BAR_WIDTH)));
  return {
    type: "Container",
    items: [
      { type: "TextBlock", text: plain(title), weight: "Bolder", wrap: true },
      ...rows.map((r) => ({
        type: "ColumnSet",
        spacing: "None",
        columns: [
          { type: "Column", width: 4, items: [{ type: "TextBlock", text: plain(r.label), wrap: true }] },
          {
            type: "Column",
            width: 4,
            items: [{ type: "TextBlock", text: bar(r.value) || " ", fontType: "Monospace", color: "Accent" }],
          },
          {
            type: "Column",
            width: 2,
            items: [{ type: "TextBlock", text: plain(r.display), wrap: true, isSubtle: r.value === null }],
          },
        ],
      })),
    ],
  };
}
