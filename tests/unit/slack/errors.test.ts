import { describe, expect, it } from "vitest";
import { toDeliveryError } from "../../../adapters/slack/errors.js";

// Shaped like @slack/web-api's errors (their `code` strings), which only adapters/slack imports.
const rateLimited = (retryAfter: number) => ({ code: "slack_webapi_rate_limited_error", retryAfter });
const platform = (error: string) => ({ code: "slack_webapi_platform_error", data: { ok: false, error } });
const http = (statusCode: number) => ({ code: "slack_webapi_http_error", statusCode });

describe("Slack errors for the delivery loop", () => {
  it("turns a 429 into a retry after its Retry-After", () => {
    expect(toDeliveryError(rateLimited(30), "chat.postMessage")).toMatchObject({
      kind: "retry",
      retryAfterMs: 30_000,
    });
  });

  it.each([
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "user_not_found",
    "account_inactive",
    "invalid_auth",
    "token_revoked",
    "invalid_blocks",
  ])("gives up on %s", (error) => {
    const e = toDeliveryError(platform(error), "chat.postMessage");
    expect(e.kind).toBe("permanent");
    expect(e.message).toBe(`chat.postMessage: ${error}`);
  });

  it.each(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"])(
    "retries %s",
    (error) => {
      expect(toDeliveryError(platform(error), "x").kind).toBe("retry");
    },
  );

  it("retries a 5xx or a network failure, not another HTTP status", () => {
    expect(toDeliveryError(http(503), "x").kind).toBe("retry");
    expect(toDeliveryError(http(404), "x").kind).toBe("permanent");
    expect(toDeliveryError({ code: "slack_webapi_request_error", message: "ECONNRESET" }, "x")).toMatchObject(
      { kind: "retry", message: "x: ECONNRESET" },
    );
    expect(toDeliveryError(new Error("socket hang up"), "x").kind).toBe("retry");
  });
});
