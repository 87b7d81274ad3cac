import type { ChannelRefs, Person } from "./domain/model.js";
import { CoachbotError } from "./errors.js";
import type { Message, Platform } from "./ui/model.js";

/**
 * The one contract every platform adapter (Slack, Teams, local web chat) implements for
 * proactive delivery. Inbound traffic is the adapter's own business: it verifies, normalises to
 * an `Inbound` (src/ui/model.ts), calls the workflows and renders the `Reply`.
 *
 * Optional capabilities are marked `?` (vercel/chat style): the delivery loop checks for them.
 */
export interface DeliveryAdapter {
  readonly platform: Platform;
  /**
   * Where this adapter can reach a roster person, or null (not linked, uninstalled, blocked).
   * `linkedOnly`: answer from what is already known, asking the platform nothing. Delivery asks
   * every adapter that way first, so someone linked on one platform is never searched for on another.
   */
  resolvePerson(person: Person, opts?: { linkedOnly?: boolean }): Promise<Address | null>;
  /** Where a leadership channel lives on this platform, or null when it has none here. */
  resolveChannel(channel: ChannelRefs): Promise<Address | null>;
  /**
   * Sends one message. Resolves with the platform's own id for it once the platform accepted it.
   * Throws DeliveryError: `retry` (429 with its Retry-After, 5xx, network) or `permanent`.
   */
  send(address: Address, message: Message): Promise<{ ref: string }>;
  /** Updates a message sent earlier (e.g. to disable used buttons) instead of posting anew. */
  update?(address: Address, ref: string, message: Message): Promise<{ ref: string }>;
  /**
   * The message with this idempotency key (message.key) if it is already in the conversation, posted
   * since `sinceMs` by a sender that crashed before recording it; null when it is not there. The
   * delivery loop asks before sending an entry again, so the platform shows it once.
   */
  findSent?(address: Address, message: Message, sinceMs: number): Promise<{ ref: string } | null>;
}

/** A delivery address. `scope` is the rate-limit scope (Slack workspace / Teams tenant). */
export type Address =
  | { platform: "slack"; scope: string; channel: string }
  | { platform: "teams"; scope: string; conversation: string }
  | { platform: "local"; scope: "local"; person: string };

export class DeliveryError extends CoachbotError {
  constructor(
    readonly kind: "retry" | "permanent",
    message: string,
    /** From a 429's Retry-After: no call to the same scope before it passes. */
    readonly retryAfterMs?: number,
  ) {
    super(kind === "retry" ? "DELIVERY_RETRYABLE" : "DELIVERY_PERMANENT", message);
    this.name = "DeliveryError";
  }
}

/** The key a per-conversation limit applies to (Slack channel, Teams conversation, local person). */
export function conversationOf(address: Address): string {
  switch (address.platform) {
    case "slack":
      return address.channel;
    case "teams":
      return address.conversation;
    case "local":
      return address.person;
  }
}
