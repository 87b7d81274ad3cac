import { type Address, type DeliveryAdapter, DeliveryError } from "../../src/adapter.js";
import type { ChannelRefs, Person } from "../../src/domain/model.js";
import type { Message } from "../../src/ui/model.js";
import { CHANNEL_PREFIX, type LocalInbox } from "./inbox.js";

/** Proactive delivery into the local web chat: every message lands in the recipient's inbox. */
export class LocalDeliveryAdapter implements DeliveryAdapter {
  readonly platform = "local";

  constructor(
    private readonly inbox: LocalInbox,
    /** The service clock, so entries carry the (possibly time-travelled) service time. */
    private readonly now: () => Date | Promise<Date>,
  ) {}

  /** Everyone is reachable here, so the local chat links no one: it is where the others fall back to. */
  async resolvePerson(person: Person, opts?: { linkedOnly?: boolean }): Promise<Address | null> {
    return opts?.linkedOnly ? null : { platform: "local", scope: "local", person: person.id };
  }

  async resolveChannel(channel: ChannelRefs): Promise<Address | null> {
    const id = channel.slack ?? channel.teams;
    return id ? { platform: "local", scope: "local", person: CHANNEL_PREFIX + id } : null;
  }

  async send(address: Address, message: Message): Promise<{ ref: string }> {
    const at = (await this.now()).toISOString();
    const entry = await this.inbox.append(inboxOf(address), { from: "bot", message, at });
    return { ref: entry.id };
  }

  async update(address: Address, ref: string, message: Message): Promise<{ ref: string }> {
    const entry = await this.inbox.replace(inboxOf(address), ref, message);
    if (!entry) throw new DeliveryError("permanent", `no local message ${ref} to update`);
    return { ref: entry.id };
  }

  /** Channel pseudo-persons with messages, offered as "Leadership channels" in the person picker. */
  channels(): Promise<string[]> {
    return this.inbox.channels();
  }
}

function inboxOf(address: Address): string {
  if (address.platform !== "local")
    throw new DeliveryError("permanent", `not a local address: ${address.platform}`);
  return address.person;
}
