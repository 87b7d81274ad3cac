import { describe, expect, it } from "vitest";
import { barChart, renderBlocks, renderMessage } from "../../../adapters/slack/render.js";
import type { Block, Message } from "../../../src/ui/model.js";
import { blockKitViolations } from "../../fixtures/blockkit-limits.js";

type Json = Record<string, unknown>;

const message = (blocks: Block[], summary = "Summary"): Message => ({ key: "k", summary, blocks });
const sectionTexts = (blocks: Json[]) => blocks.map((b) => (b.text as Json | undefined)?.text as string);

function valid(m: Message) {
  const parts = renderMessage(m);
  for (const part of parts)
    expect(blockKitViolations("chat.postMessage", part as unknown as Json)).toEqual([]);
  return parts;
}

describe("text", () => {
  it("escapes what people typed so nobody can be pinged and no link forged", () => {
    const [part] = valid(
      message(
        [{ kind: "text", text: "Tom & Ana <!channel> <@U123> <https://evil.example|click>" }],
        "<!here> hi",
      ),
    );
    expect(sectionTexts(part!.blocks as unknown as Json[])).toEqual([
      "Tom &amp; Ana &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;",
    ]);
    expect(part!.text).toBe("&lt;!here&gt; hi");
  });

  it("marks the tone with an emoji", () => {
    const blocks = renderBlocks([
      { kind: "text", text: "done", tone: "success" },
      { kind: "text", text: "careful", tone: "warning" },
      { kind: "text", text: "fyi", tone: "info" },
    ]) as unknown as Json[];
    expect(sectionTexts(blocks)).toEqual([
      ":white_check_mark: done",
      ":warning: careful",
      ":information_source: fyi",
    ]);
  });

  it("splits text over 3000 characters into sections, never inside an escape", () => {
    const text = `${"a".repeat(2998)}&&${"b".repeat(100)}`;
    const [part] = valid(message([{ kind: "text", text }]));
    const texts = sectionTexts(part!.blocks as unknown as Json[]);
    expect(texts.length).toBe(2);
    expect(texts[0]).toBe("a".repeat(2998));
    expect(texts.join("")).toBe(`${"a".repeat(2998)}&amp;&amp;${"b".repeat(100)}`);
  });

  it("clips a very long notification text", () => {
    const [part] = valid(message([], "x".repeat(5000)));
    expect(part!.text.length).toBe(3000);
    expect(part!.text.endsWith("…")).toBe(true);
  });
});

describe("facts, bars, buttons, links", () => {
  it("shows facts as section fields, 10 to a section, each within 2000 characters", () => {
    const facts = Array.from({ length: 12 }, (_, i) => ({
      label: `L${i}`,
      value: i === 0 ? "v".repeat(2500) : `<v${i}>`,
    }));
    const [part] = valid(message([{ kind: "facts", facts }]));
    const sections = part!.blocks as unknown as { fields: Json[] }[];
    expect(sections.map((s) => s.fields.length)).toEqual([10, 2]);
    expect(sections[0]!.fields[1]).toEqual({ type: "mrkdwn", text: "*L1*\n&lt;v1&gt;" });
    expect((sections[0]!.fields[0]!.text as string).length).toBe(2000);
  });

  it("draws a compact bar chart, a suppressed value as its display text", () => {
    const chart = barChart("Completed", [
      { label: "North", value: 10, display: "10" },
      { label: "South", value: 5, display: "5" },
      { label: "East", value: null, display: "fewer than 5" },
    ]);
    expect(chart).toBe(
      [
        "*Completed*",
        "```North ████████████████████ 10",
        "South ██████████░░░░░░░░░░ 5",
        `East  ${" ".repeat(20)} fewer than 5\`\`\``,
      ].join("\n"),
    );
  });

  it("renders buttons with the neutral id and context, 25 to a block, never one id twice in a block", () => {
    const actions = Array.from({ length: 30 }, (_, i) => ({
      id: `a.${i}`,
      label: `Button ${i}`,
      context: `ctx-${i}`,
    }));
    const twice = ["x", "y", "x", "z"].map((id) => ({ id, label: id, context: id }));
    const [part] = valid(
      message([
        { kind: "actions", actions },
        { kind: "actions", actions: twice },
      ]),
    );
    const blocks = part!.blocks as unknown as { elements: Json[] }[];
    expect(blocks.map((b) => b.elements.map((e) => e.action_id).length)).toEqual([25, 5, 2, 2]);
    expect(blocks[3]!.elements.map((e) => e.action_id)).toEqual(["x", "z"]);
    expect(blocks[0]!.elements[0]).toEqual({
      type: "button",
      action_id: "a.0",
      text: { type: "plain_text", text: "Button 0", emoji: true },
      value: "ctx-0",
    });
  });

  it("keeps styles, clips long labels, leaves out an empty value", () => {
    const blocks = renderBlocks([
      { kind: "actions", actions: [{ id: "x", label: "L".repeat(80), style: "danger", context: "" }] },
    ]) as unknown as { elements: Json[] }[];
    const button = blocks[0]!.elements[0]!;
    expect(button.style).toBe("danger");
    expect((button.text as Json).text).toHaveLength(75);
    expect(button).not.toHaveProperty("value");
  });

  it("shows a link as a url button", () => {
    const blocks = renderBlocks([
      { kind: "link", label: "Calendar", url: "https://x.test/a.ics" },
      { kind: "link", label: "Dashboard", url: "https://x.test/d" },
    ]) as unknown as { elements: Json[] }[];
    expect(blocks.map((b) => b.elements[0])).toEqual([
      {
        type: "button",
        action_id: "link.0",
        text: { type: "plain_text", text: "Calendar", emoji: true },
        url: "https://x.test/a.ics",
      },
      {
        type: "button",
        action_id: "link.1",
        text: { type: "plain_text", text: "Dashboard", emoji: true },
        url: "https://x.test/d",
      },
    ]);
  });
});

describe("messages", () => {
  it("splits a message past 50 blocks, the first keeping the summary", () => {
    const parts = valid(
      message(Array.from({ length: 120 }, (_, i) => ({ kind: "text", text: `line ${i}` }))),
    );
    expect(parts.map((p) => p.blocks.length)).toEqual([50, 50, 20]);
    expect(parts.map((p) => p.text)).toEqual(["Summary", "Summary (continued)", "Summary (continued)"]);
  });

  it("sends a message without blocks as its summary alone", () => {
    expect(valid(message([]))).toEqual([{ text: "Summary", blocks: [] }]);
  });
});
