import { describe, expect, it } from "vitest";
import { blockKitViolations } from "../../fixtures/blockkit-limits.js";

// The checker the fake Slack runs on every payload must itself catch what Slack refuses.

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (action_id: string, extra: Record<string, unknown> = {}) => ({
  type: "button",
  action_id,
  text: { type: "plain_text", text: "Go" },
  ...extra,
});
const plainText = (text: string) => ({ type: "plain_text", text });
/** A modal with one input holding this element. */
const withInput = (element: Record<string, unknown>) =>
  modal({ submit: plainText("Go"), blocks: [{ type: "input", label: plainText("L"), element }] });
const modal = (extra: Record<string, unknown>) => ({
  view: { type: "modal", title: { type: "plain_text", text: "Title" }, blocks: [], ...extra },
});

describe("blockKitViolations", () => {
  it("accepts a plain valid message and modal", () => {
    expect(blockKitViolations("chat.postMessage", { text: "hi", blocks: [section("hi")] })).toEqual([]);
    expect(blockKitViolations("views.open", modal({}))).toEqual([]);
  });

  it.each([
    [
      "over 50 blocks",
      { text: "x", blocks: Array.from({ length: 51 }, () => section("x")) },
      /51 blocks, over 50/,
    ],
    ["section text over 3000", { blocks: [section("x".repeat(3001))] }, /3001 characters, over 3000/],
    ["an empty text", { blocks: [section("")] }, /text: empty/],
    [
      "11 fields",
      {
        blocks: [
          { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
        ],
      },
      /fields: needs 1 to 10/,
    ],
    [
      "26 buttons",
      { blocks: [{ type: "actions", elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }] },
      /elements: needs 1 to 25/,
    ],
    [
      "one action_id twice in a block",
      { blocks: [{ type: "actions", elements: [button("a"), button("a")] }] },
      /action_id "a" twice/,
    ],
    [
      "a block_id twice",
      {
        blocks: [
          { ...section("a"), block_id: "x" },
          { ...section("b"), block_id: "x" },
        ],
      },
      /block_id "x" twice/,
    ],
    [
      "a button label over 75",
      {
        blocks: [
          {
            type: "actions",
            elements: [button("a", { text: { type: "plain_text", text: "x".repeat(76) } })],
          },
        ],
      },
      /over 75/,
    ],
    [
      "an empty button value",
      { blocks: [{ type: "actions", elements: [button("a", { value: "" })] }] },
      /value: empty/,
    ],
    [
      "an action_id over 255",
      { blocks: [{ type: "actions", elements: [button("a".repeat(256))] }] },
      /action_id: 256 characters/,
    ],
    ["no text and no blocks", {}, /needs text or blocks/],
  ])("refuses a message with %s", (_what, args, problem) => {
    expect(blockKitViolations("chat.postMessage", args).join("\n")).toMatch(problem);
  });

  it.each([
    [
      "a title over 24",
      modal({ title: { type: "plain_text", text: "x".repeat(25) } }),
      /view.title.text: 25 characters/,
    ],
    ["no title", modal({ title: undefined }), /needs a title/],
    ["a mrkdwn title", modal({ title: { type: "mrkdwn", text: "T" } }), /must be plain_text/],
    [
      "101 blocks",
      modal({ blocks: Array.from({ length: 101 }, () => section("x")) }),
      /101 blocks, over 100/,
    ],
    [
      "inputs without submit",
      { view: { ...withInput({ type: "datepicker", action_id: "d" }).view, submit: undefined } },
      /needs a submit/,
    ],
    ["private_metadata over 3000", modal({ private_metadata: "x".repeat(3001) }), /private_metadata: 3001/],
    [
      "an initial option that is not an option",
      withInput({
        type: "static_select",
        action_id: "s",
        options: [{ text: plainText("A"), value: "a" }],
        initial_option: { text: plainText("B"), value: "b" },
      }),
      /initial option is not one of the options/,
    ],
    [
      "11 checkboxes",
      withInput({
        type: "checkboxes",
        action_id: "c",
        options: Array.from({ length: 11 }, (_, i) => ({ text: plainText(`${i}`), value: `${i}` })),
      }),
      /options: needs 1 to 10/,
    ],
  ])("refuses a modal with %s", (_what, args, problem) => {
    expect(blockKitViolations("views.open", args).join("\n")).toMatch(problem);
  });
});
