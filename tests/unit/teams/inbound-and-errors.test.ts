import { describe, expect, it } from "vitest";
import { isMissingActivity, retryAfterMs, teamsFailure } from "../../../adapters/teams/errors.js";
import { commandText, toInbound } from "../../../adapters/teams/inbound.js";
import type { Actor } from "../../../src/ui/model.js";

const actor: Actor = {
  platform: "teams",
  externalId: "aad-1",
  personId: "emily.tran@prairievalley.example.org",
};

describe("toInbound", () => {
  it("reads a form card's submission: data plus inputs, nothing else", () => {
    const value = {
      form: "fb.give",
      context: "pv/c1",
      glow: "Great",
      evidence: "a,b",
      usefulness: 4,
      junk: { x: 1 },
    };
    expect(toInbound({ value }, actor)).toEqual({
      kind: "submit",
      actor,
      form: "fb.give",
      context: "pv/c1",
      values: { glow: "Great", evidence: "a,b", usefulness: 4 },
    });
  });

  it("reads a button's data as an action, and typed text as a command", () => {
    expect(toInbound({ value: { action: "obs.pick-time", context: "pv/c1" } }, actor)).toEqual({
      kind: "action",
      actor,
      action: "obs.pick-time",
      context: "pv/c1",
    });
    expect(toInbound({ text: " <at>coachbot</at>&nbsp;pause  until 2027-01-15 " }, actor)).toEqual({
      kind: "command",
      actor,
      text: "pause until 2027-01-15",
    });
  });

  it("ignores a value it does not recognise and an empty message", () => {
    expect(toInbound({ value: { action: "", context: "x" } }, actor)).toBeNull();
    expect(toInbound({ text: "<at>coachbot</at>" }, actor)).toBeNull();
    expect(toInbound({ value: ["a"], text: "help" }, actor)).toMatchObject({ kind: "command", text: "help" });
  });

  it("strips Teams' markup from typed commands", () => {
    expect(commandText("<p><at>Coach Bot</at> status</p>")).toBe("status");
    expect(commandText("schedule &amp; more")).toBe("schedule & more");
  });
});

const failure = (statusCode: number | undefined, code?: string, headers: Record<string, string> = {}) => ({
  statusCode,
  message: "boom",
  response: {
    headers: { get: (name: string) => headers[name.toLowerCase()] },
    bodyAsText: code ? JSON.stringify({ error: { code, message: "no" } }) : "",
  },
});

describe("teamsFailure", () => {
  it("treats 403 and a missing conversation as gone for good", () => {
    expect(teamsFailure(failure(403, "MessageWritesBlocked"), "send")).toMatchObject({
      gone: true,
      error: { kind: "permanent", message: "send: HTTP 403 MessageWritesBlocked" },
    });
    expect(teamsFailure(failure(404, "ConversationNotFound"), "send").gone).toBe(true);
    expect(teamsFailure(failure(404, "ActivityNotFoundInConversation"), "update")).toMatchObject({
      gone: false,
      error: { kind: "permanent" },
    });
    expect(teamsFailure(failure(400, "BadArgument"), "send")).toMatchObject({
      gone: false,
      error: { kind: "permanent" },
    });
  });

  it("retries throttling, 412, 5xx and network errors, with Retry-After when given", () => {
    expect(teamsFailure(failure(429, "Throttled", { "retry-after": "7" }), "send").error).toMatchObject({
      kind: "retry",
      retryAfterMs: 7000,
    });
    for (const status of [412, 502, 503, 504])
      expect(teamsFailure(failure(status), "send").error.kind).toBe("retry");
    expect(teamsFailure(new Error("connect ECONNREFUSED"), "send").error).toMatchObject({
      kind: "retry",
      message: "send: connect ECONNREFUSED",
    });
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-09-14T12:00:00Z");
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs("Mon, 14 Sep 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it("tells a missing activity from a missing conversation", () => {
    expect(isMissingActivity(failure(404, "NotFound"))).toBe(true);
    expect(isMissingActivity(failure(404, "ConversationNotFound"))).toBe(false);
    expect(isMissingActivity(failure(403))).toBe(false);
  });
});
