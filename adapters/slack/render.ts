import type { types } from "@slack/bolt";
import type { Action, Block, Message, Tone } from "../../src/ui/model.js";
import { chunk, clip, escapeMrkdwn } from "./mrkdwn.js";

// The neutral UI model as Block Kit, within Slack's limits (a section's text 3000 characters,
// its fields 10 of 2000, an actions block 25 elements, a message 50 blocks).

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  actionElements: 25,
  buttonText: 75,
  notificationText: 3000,
} as const;

/** Clicks on url buttons reach the app too: this prefix marks them as nothing to do. */
export const LINK_ACTION_PREFIX = "link.";

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

const TONE: Record<Tone, string> = {
  info: ":information_source: ",
  success: ":white_check_mark: ",
  warning: ":warning: ",
};

/** One neutral message as one or more Slack messages (more only past 50 blocks). */
export function renderMessage(message: Message): SlackMessage[] {
  const text = clip(escapeMrkdwn(message.summary), LIMITS.notificationText);
  const blocks = renderBlocks(message.blocks);
  const parts: SlackMessage[] = [];
  for (let i = 0; i < blocks.length || parts.length === 0; i += LIMITS.messageBlocks) {
    parts.push({
      text: i === 0 ? text : `${text} (continued)`,
      blocks: blocks.slice(i, i + LIMITS.messageBlocks),
    });
  }
  return parts;
}

export function renderBlocks(blocks: Block[]): types.KnownBlock[] {
  let links = 0;
  return blocks.flatMap((block) => renderBlock(block, block.kind === "link" ? links++ : 0));
}

function renderBlock(block: Block, linkIndex: number): types.KnownBlock[] {
  switch (block.kind) {
    case "text":
      return sections((block.tone ? TONE[block.tone] : "") + escapeMrkdwn(block.text));
    case "facts":
      return factSections(block.facts);
    case "bars":
      return sections(barChart(block.title, block.rows));
    case "actions":
      return actionBlocks(block.actions);
    case "link":
      return [{ type: "actions", elements: [linkButton(block.label, block.url, linkIndex)] }];
  }
}

function sections(mrkdwn: string): types.SectionBlock[] {
  return chunk(mrkdwn, LIMITS.sectionText).map((text) => ({
    type: "section",
    text: { type: "mrkdwn", text },
  }));
}

function factSections(facts: { label: string; value: string }[]): types.SectionBlock[] {
  const fields = facts.map((f) => ({
    type: "mrkdwn" as const,
    text: clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, LIMITS.fieldText),
  }));
  const out: types.SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields)
    out.push({ type: "section", fields: fields.slice(i, i + LIMITS.fields) });
  return out;
}

const BAR_WIDTH = 20;

/** A compact text bar chart in a code block (monospace keeps the bars aligned). */
export function barChart(
  title: string,
  rows: { label: string; value: number | null; display: string }[],
): string {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const width = Math.min(24, Math.max(0, ...rows.map((r) => r.label.length)));
  const lines = rows.map((r) => {
    const filled = r.value === null || max === 0 ? 0 : Math.round((r.value / max) * BAR_WIDTH);
    const bar =
      r.value === null ? " ".repeat(BAR_WIDTH) : "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    return `${clip(r.label, width).padEnd(width)} ${bar} ${r.display}`;
  });
  return `*${escapeMrkdwn(title)}*\n\`\`\`${escapeMrkdwn(lines.join("\n"))}\`\`\``;
}

/** Buttons in blocks of at most 25, and never two with the same action_id in one block. */
function actionBlocks(actions: Action[]): types.ActionsBlock[] {
  const groups: Action[][] = [];
  for (const action of actions) {
    const group = groups.at(-1);
    if (!group || group.length >= LIMITS.actionElements || group.some((a) => a.id === action.id))
      groups.push([action]);
    else group.push(action);
  }
  return groups.map((group) => ({ type: "actions", elements: group.map(button) }));
}

function button(action: Action): types.Button {
  return {
    type: "button",
    action_id: action.id,
    text: { type: "plain_text", text: clip(action.label, LIMITS.buttonText), emoji: true },
    // Slack refuses an empty value; a click on such a button comes back with no value, read as "".
    ...(action.context ? { value: action.context } : {}),
    ...(action.style ? { style: action.style } : {}),
  };
}

function linkButton(label: string, url: string, index: number): types.Button {
  return {
    type: "button",
    action_id: `${LINK_ACTION_PREFIX}${index}`,
    text: { type: "plain_text", text: clip(label, LIMITS.buttonText), emoji: true },
    url,
  };
}
