import { webApi } from "@slack/bolt";
import { DeliveryError } from "../../src/adapter.js";

// What a failed Web API call means for the delivery loop: try again later (429 with its
// Retry-After, 5xx, network) or never (the channel, user or token is gone).

/** Slack's own errors that say "not now". */
const TRANSIENT = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

export function platformError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined;
}

export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; message?: string };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new DeliveryError(
        "retry",
        `${what}: rate limited by Slack`,
        Math.max(1, e.retryAfter ?? 1) * 1000,
      );
    case webApi.ErrorCode.PlatformError: {
      const code = platformError(err) ?? "unknown_error";
      // Every other error (not_in_channel, channel_not_found, is_archived, user_not_found,
      // account_inactive, invalid_auth, token_revoked, invalid_blocks…) fails the same way again.
      return new DeliveryError(TRANSIENT.has(code) ? "retry" : "permanent", `${what}: ${code}`);
    }
    case webApi.ErrorCode.HTTPError:
      return new DeliveryError(
        (e.statusCode ?? 500) >= 500 ? "retry" : "permanent",
        `${what}: HTTP ${e.statusCode}`,
      );
    default:
      return new DeliveryError("retry", `${what}: ${e?.message ?? String(err)}`);
  }
}
