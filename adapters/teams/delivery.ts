import {
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from "botbuilder";
import { type Address, type DeliveryAdapter, DeliveryError } from "../../src/adapter.js";
import type { ChannelRefs, Person } from "../../src/domain/model.js";
import type { Logger } from "../../src/log.js";
import type { Message } from "../../src/ui/model.js";
import { messageActivity } from "./cards.js";
import { withoutConnectorRetries } from "./cloud.js";
import { channelKey, personalKey, type TeamsDirectory, type TeamsUser } from "./directory.js";
import { isMissingActivity, teamsFailure } from "./errors.js";

type Reference = Partial<ConversationReference>;
interface Connector {
  conversations: { createConversation(parameters: ConversationParameters): Promise<{ id?: string }> };
}

/**
 * Proactive delivery to Teams from stored conversation references (continueConversationAsync).
 * A person who has no personal chat with the bot yet, but was met as a team or chat member, gets
 * one opened first (conversations.create). The ref is the Teams activity id, which an update needs.
 */
export class TeamsDelivery implements DeliveryAdapter {
  readonly platform = "teams";
  private warnedRetries = false;

  constructor(
    private readonly cloud: CloudAdapter,
    private readonly appId: string,
    private readonly directory: TeamsDirectory,
    private readonly logger: Logger,
  ) {}

  async resolvePerson(person: Person): Promise<Address | null> {
    const aad = await this.directory.aadObjectIdOf(person);
    if (!aad) return null;
    const key = personalKey(aad);
    const chat = await this.directory.conversation(key);
    if (chat)
      return chat.reference && !chat.dead
        ? { platform: "teams", scope: chat.tenantId, conversation: key }
        : null;
    const user = await this.directory.user(aad);
    return user ? { platform: "teams", scope: user.tenantId, conversation: key } : null;
  }

  async resolveChannel(channel: ChannelRefs): Promise<Address | null> {
    if (!channel.teams) return null;
    const key = channelKey(channel.teams);
    const known = await this.directory.conversation(key);
    return known?.reference && !known.dead
      ? { platform: "teams", scope: known.tenantId, conversation: key }
      : null;
  }

  async send(address: Address, message: Message): Promise<{ ref: string }> {
    const key = keyOf(address);
    return this.within(key, await this.reference(key), "send", async (context) => {
      const sent = await context.sendActivity(messageActivity(message));
      if (!sent?.id) throw new DeliveryError("retry", "Teams accepted the message without an id");
      return { ref: sent.id };
    });
  }

  async update(address: Address, ref: string, message: Message): Promise<{ ref: string }> {
    const key = keyOf(address);
    const updated = await this.within(key, await this.reference(key), "update", async (context) => {
      try {
        await context.updateActivity({ ...messageActivity(message), id: ref });
        return true;
      } catch (err) {
        if (isMissingActivity(err)) return false;
        throw err;
      }
    });
    // The original is gone (deleted by someone, or past what Teams lets a bot edit): post it anew.
    return updated ? { ref } : this.send(address, message);
  }

  private async reference(key: string): Promise<Reference> {
    const known = await this.directory.conversation(key);
    if (known?.dead)
      throw new DeliveryError("permanent", `Teams refused this conversation earlier: ${known.dead}`);
    if (known?.reference) return known.reference;
    const aad = key.startsWith("personal:") ? key.slice("personal:".length) : null;
    const user = aad ? await this.directory.user(aad) : null;
    if (!aad || !user) throw new DeliveryError("permanent", `no Teams conversation stored for ${key}`);
    return this.openPersonalChat(key, aad, user);
  }

  /** Starts the bot's 1:1 chat with a team member (allowed once the app is in a team they are in). */
  private async openPersonalChat(key: string, aad: string, user: TeamsUser): Promise<Reference> {
    const service: Reference = {
      channelId: "msteams",
      serviceUrl: user.serviceUrl,
      bot: { id: user.botId, name: "" },
      conversation: {
        id: "",
        name: "",
        isGroup: false,
        conversationType: "personal",
        tenantId: user.tenantId,
      },
    };
    const reference = await this.within(key, service, "create a personal chat", async (context) => {
      const connector = context.turnState.get(context.adapter.ConnectorClientKey) as Connector;
      const created = await connector.conversations.createConversation({
        isGroup: false,
        bot: { id: user.botId, name: "" },
        members: [{ id: user.userId, name: "" }],
        tenantId: user.tenantId,
        channelData: { tenant: { id: user.tenantId } },
      } as ConversationParameters);
      if (!created.id) throw new DeliveryError("retry", "Teams created the chat without an id");
      return {
        ...TurnContext.getConversationReference(context.activity),
        activityId: undefined,
        user: { id: user.userId, name: "", aadObjectId: aad },
        conversation: { ...service.conversation!, id: created.id },
      } as Reference;
    });
    await this.directory.saveConversation(key, { kind: "personal", tenantId: user.tenantId, reference });
    return reference;
  }

  /**
   * Runs one call in a proactive turn. Errors are caught inside the turn (the adapter's
   * onTurnError would swallow them) and mapped for the delivery loop; a conversation Teams
   * refuses for good is marked dead.
   */
  private async within<T>(
    key: string,
    reference: Reference,
    what: string,
    act: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    let result: { value: T } | undefined;
    let failure: unknown;
    try {
      await this.cloud.continueConversationAsync(this.appId, reference, async (context) => {
        if (!withoutConnectorRetries(context) && !this.warnedRetries) {
          this.warnedRetries = true;
          this.logger.warn(
            "could not turn off botbuilder's own retries: a 429 may be retried inside one send",
          );
        }
        // The continuation carries a made-up activity id; without it a send is a new post, not a reply.
        context.activity.id = undefined;
        try {
          result = { value: await act(context) };
        } catch (err) {
          failure = err;
        }
      });
    } catch (err) {
      failure = err;
    }
    if (result) return result.value;
    const { error, gone } = teamsFailure(failure, what);
    if (gone) await this.directory.markDead(key, error.message);
    throw error;
  }
}

function keyOf(address: Address): string {
  if (address.platform !== "teams")
    throw new DeliveryError("permanent", `not a Teams address: ${address.platform}`);
  return address.conversation;
}
