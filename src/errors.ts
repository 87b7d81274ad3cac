// Errors carry a stable code (as bolt-js does) so callers and tests branch on the code, not the text.
export type ErrorCode =
  | "CONFIG_INVALID"
  | "ROSTER_INVALID"
  | "CLI_USAGE"
  | "STORE_CONFLICT"
  | "STORE_UNAVAILABLE"
  | "CYCLE_ILLEGAL_MOVE"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "DELIVERY_PERMANENT"
  | "DELIVERY_RETRYABLE"
  | "INSTALL_UNREADABLE";

export class CoachbotError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the operator or user can do about it. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = "CoachbotError";
  }
}

export class StoreConflictError extends CoachbotError {
  constructor(what: string) {
    super("STORE_CONFLICT", `${what} was changed by someone else; read it again and retry`);
    this.name = "StoreConflictError";
  }
}

export function isCoachbotError(e: unknown, code?: ErrorCode): e is CoachbotError {
  return e instanceof CoachbotError && (code === undefined || e.code === code);
}
