import { describe, expect, it } from "vitest";
import {
  cleanText,
  GLOW_MAX,
  GROW_MAX,
  NOTE_MAX,
  REASON_MAX,
  REFLECTION_MAX,
} from "../../../src/domain/text.js";

describe("cleanText", () => {
  it("trims and collapses runs of spaces and tabs", () => {
    expect(cleanText("  Clear   learning\t\ttargets  ")).toBe("Clear learning targets");
  });

  it("keeps line breaks, normalising CRLF and CR, and drops spaces around them", () => {
    expect(cleanText("Glow: wait time  \r\n  Grow: exit tickets\rNext: co-plan")).toBe(
      "Glow: wait time\nGrow: exit tickets\nNext: co-plan",
    );
    expect(cleanText("one\n\ntwo")).toBe("one\n\ntwo");
  });

  it("turns blank input into an empty string", () => {
    expect(cleanText(" \t\r\n ")).toBe("");
  });
});

describe("limits", () => {
  it("are the agreed lengths", () => {
    expect({ GLOW_MAX, GROW_MAX, NOTE_MAX, REFLECTION_MAX, REASON_MAX }).toEqual({
      GLOW_MAX: 1000,
      GROW_MAX: 1000,
      NOTE_MAX: 500,
      REFLECTION_MAX: 1000,
      REASON_MAX: 300,
    });
  });
});
