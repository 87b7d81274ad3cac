import { DeliveryError } from "../../src/adapter.js";

// What a failed Bot Connector call means for the delivery loop. Teams answers 403 when the app
// was uninstalled or blocked, or writes are blocked (MessageWritesBlocked), 404
// ConversationNotFound when the chat is gone: those never succeed later, and the reference is
// marked dead. 429, 412 and 5xx pass (with Retry-After when Teams gives one); so does a network
// failure. Any other 4xx is permanent for that message only.

const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

interface ConnectorFailure {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

export interface TeamsFailure {
  error: DeliveryError;
  /** Teams no longer accepts anything in this conversation. */
  gone: boolean;
}

export function teamsFailure(err: unknown, what: string, nowMs = Date.now()): TeamsFailure {
  if (err instanceof DeliveryError) return { error: err, gone: false };
  const e = (err ?? {}) as ConnectorFailure;
  const status = e.statusCode;
  const code = errorCode(e);
  const detail = `${what}: ${status ? `HTTP ${status}` : (e.message ?? String(err))}${code ? ` ${code}` : ""}`;
  if (status === undefined) return { error: new DeliveryError("retry", detail), gone: false };
  if (RETRYABLE.has(status) || status > 500) {
    const after = retryAfterMs(e.response?.headers?.get("retry-after"), nowMs);
    return { error: new DeliveryError("retry", detail, after), gone: false };
  }
  return {
    error: new DeliveryError("permanent", detail),
    gone: status === 403 || (status === 404 && code === "ConversationNotFound"),
  };
}

/** A 404 for one activity (deleted, or too old to edit) while its conversation is still there. */
export function isMissingActivity(err: unknown): boolean {
  const e = (err ?? {}) as ConnectorFailure;
  return e.statusCode === 404 && errorCode(e) !== "ConversationNotFound";
}

/** Teams' error code ("MessageWritesBlocked", "ConversationBlockedByUser"...) from the body. */
function errorCode(e: ConnectorFailure): string | undefined {
  try {
    const body = JSON.parse(e.response?.bodyAsText ?? "null") as { error?: { code?: string } } | null;
    return body?.error?.code ?? e.code;
  } catch {
    return e.code;
  }
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** What a log line may say about a failure: its message and HTTP status, never a request or a token. */
export function errorSummary(err: unknown): { message: string; status?: number } {
  const e = err as { message?: string; statusCode?: number };
  return { message: e?.message ?? String(err), ...(e?.statusCode ? { status: e.statusCode } : {}) };
}
