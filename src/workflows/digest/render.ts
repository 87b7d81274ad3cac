import { formatSuppressed } from "../../domain/privacy.js";
import type { Block, Message } from "../../ui/model.js";
import { CADENCE_LABELS, shortDate } from "../cst-ledger.js";
import {
  barValue,
  countDisplay,
  display,
  displayValue,
  FIGURE,
  type FigureKey,
  type Published,
} from "./publish.js";
import type { DigestReport } from "./report.js";

// A digest as a neutral message: facts and bar charts, every figure with its change since the
// previous period. It is built from published figures only, so it can hold no name, no text and no
// value privacy hid.

function digestKey(scope: string, periodId: string): string {
  return `digest:${scope}:${periodId}`;
}

function bars(title: string, keys: readonly FigureKey[], r: DigestReport): Block {
  return {
    kind: "bars",
    title,
    rows: keys.map((key) => ({
      label: FIGURE[key].label,
      value: r.current.hidden.includes(key) ? null : barValue(key, r.current),
      display: display(key, r.current, r.previous, r.minGroup),
    })),
  };
}

function facts(keys: readonly FigureKey[], r: DigestReport): Block {
  return {
    kind: "facts",
    facts: keys.map((key) => ({
      label: FIGURE[key].label,
      value: display(key, r.current, r.previous, r.minGroup),
    })),
  };
}

function focusBars(r: DigestReport): Block {
  const names = [...new Set([...Object.keys(r.current.focus), ...Object.keys(r.previous.focus)])].sort(
    (a, b) => (r.current.focus[b] ?? 0) - (r.current.focus[a] ?? 0) || a.localeCompare(b),
  );
  return {
    kind: "bars",
    title: "Focus practices (observations completed)",
    rows: names.map((name) => ({
      label: name,
      value: r.current.focus[name] ?? 0,
      display: countDisplay(r.current.focus[name] ?? 0, r.previous.focus[name] ?? 0),
    })),
  };
}

function buildingBlocks(r: DigestReport): Block[] {
  if (r.buildings.length < 2) return [];
  const rate = (p: Published) => (p.hidden.includes("completionRate") ? null : p.values.completionRate);
  const shown = r.buildings
    .filter((b) => rate(b.current) !== null)
    .sort((a, b) => rate(b.current)! - rate(a.current)!);
  const best = shown[0];
  const worst = shown.length > 1 ? shown.at(-1) : undefined;
  const pct = (b: { current: Published }) => displayValue("completionRate", b.current, r.minGroup);
  const text = best
    ? `Going well: ${best.label} (${pct(best)} of cycles completed).` +
      (worst ? ` Not going as well: ${worst.label} (${pct(worst)}).` : "")
    : `No building has enough people in its cycles to compare completion rates (groups of ${formatSuppressed(r.minGroup)} are not shown).`;
  return [
    {
      kind: "bars",
      title: "Completion rate by building",
      rows: r.buildings.map((b) => ({
        label: b.label,
        value: barValue("completionRate", b.current),
        display: display("completionRate", b.current, b.previous, r.minGroup),
      })),
    },
    { kind: "text", text },
  ];
}

function cstBlock(r: DigestReport): Block {
  const { current, previous } = r.cst;
  const s = current.status;
  return {
    kind: "facts",
    facts: [
      { label: "CST contacts logged", value: countDisplay(current.contacts, previous.contacts) },
      {
        label: "CST cadence",
        value: `${CADENCE_LABELS[s.status]} (last contact ${s.lastContact ? shortDate(s.lastContact) : "none this year"}, next due ${shortDate(s.nextDue)}; was ${CADENCE_LABELS[previous.status.status]})`,
      },
    ],
  };
}

export function renderDigest(r: DigestReport, scopeId: string): Message {
  const title = `Coaching digest: ${r.scopeLabel}, ${r.period.label}`;
  return {
    key: digestKey(scopeId, r.period.id),
    summary: title,
    blocks: [
      {
        kind: "text",
        text: `${title}. Totals only: no names and nothing anyone wrote. Figures about ${formatSuppressed(r.minGroup)} people are not shown. In brackets: the change since the ${r.period.kind === "week" ? "week" : "month"} before.`,
      },
      facts(["educatorsCoached", "coaches", "prompted"], r),
      bars("Observations", ["scheduled", "completed", "unscheduled", "declined", "missed", "cancelled"], r),
      facts(["completionRate", "feedbackGiven", "feedbackHours", "usefulness"], r),
      focusBars(r),
      ...buildingBlocks(r),
      cstBlock(r),
    ],
  };
}

const BAR_WIDTH = 12;

/** A bars block as monospace-friendly text: "Completed  ▇▇▇▇▇▇······  12 (+3)". */
export function barsText(block: Extract<Block, { kind: "bars" }>): string {
  const max = Math.max(1, ...block.rows.map((r) => r.value ?? 0));
  const width = Math.max(...block.rows.map((r) => r.label.length), 0);
  const rows = block.rows.map((r) => {
    const filled = r.value === null ? 0 : Math.round((BAR_WIDTH * Math.max(0, r.value)) / max);
    const bar =
      r.value === null ? " ".repeat(BAR_WIDTH) : "▇".repeat(filled) + "·".repeat(BAR_WIDTH - filled);
    return `${r.label.padEnd(width)}  ${bar}  ${r.display}`;
  });
  return [block.title, ...rows].join("\n");
}

const BLOCK_TEXT: { [K in Block["kind"]]: (block: Extract<Block, { kind: K }>) => string } = {
  text: (b) => b.text,
  facts: (b) => b.facts.map((f) => `${f.label}: ${f.value}`).join("\n"),
  bars: barsText,
  actions: (b) => b.actions.map((a) => `[${a.label}]`).join(" "),
  link: (b) => `${b.label}: ${b.url}`,
};

/** The whole message as plain text (the CLI preview). */
export function messageText(message: Message): string {
  return message.blocks.map((b) => (BLOCK_TEXT[b.kind] as (block: Block) => string)(b)).join("\n\n");
}
