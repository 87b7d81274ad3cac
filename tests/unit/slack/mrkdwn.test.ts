import { describe, expect, it } from "vitest";
import { chunk, clip, escapeMrkdwn, unescapeMrkdwn } from "../../../adapters/slack/mrkdwn.js";

describe("mrkdwn text", () => {
  it("escapes and unescapes the three characters Slack reserves", () => {
    expect(escapeMrkdwn("a & <b> <!here>")).toBe("a &amp; &lt;b&gt; &lt;!here&gt;");
    expect(unescapeMrkdwn("a &amp; &lt;b&gt; &amp;lt;")).toBe("a & <b> &lt;");
  });

  it("clips with an ellipsis, never through an escape", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("abcdefghijkl", 5)).toBe("abcd…");
    expect(clip("abc&amp;def", 6)).toBe("abc…");
  });

  it("chunks at a line break or space, else hard, never through an escape", () => {
    expect(chunk("one two three", 8)).toEqual(["one two", "three"]);
    expect(chunk("line one\nline two", 12)).toEqual(["line one", "line two"]);
    expect(chunk("x".repeat(10), 4)).toEqual(["xxxx", "xxxx", "xx"]);
    expect(chunk("xxx&amp;y", 5)).toEqual(["xxx", "&amp;", "y"]);
    expect(chunk("", 5)).toEqual([""]);
  });
});
