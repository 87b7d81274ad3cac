import type { types, webApi } from "@slack/bolt";
import { type Address, type DeliveryAdapter, DeliveryError } from "../../src/adapter.js";
import type { ChannelRefs, Person } from "../../src/domain/model.js";
import type { RosterIndex } from "../../src/domain/roster-index.js";
import type { Message } from "../../src/ui/model.js";
import { platformError, toDeliveryError } from "./errors.js";
import type { SlackPeople } from "./people.js";
import { renderMessage, type SlackMessage } from "./render.js";
import type { Workspaces } from "./workspaces.js";

/** The metadata event every proactive message carries: its idempotency key and part number. */
const OUTBOX_EVENT = "coachbot_outbox";
/** Slack's clock may run behind ours: the history read starts this much before the entry was created. */
const CLOCK_SKEW_MS = 60_000;
/** Pages of history read for a key before giving up and posting again. */
const HISTORY_PAGES = 5;

/**
 * Proactive delivery to Slack: a person in their DM with the bot (conversations.open, then
 * chat.postMessage), a leadership channel by its id. The ref is "<channel>:<ts>", which
 * chat.update needs to replace the message later. Each message carries its idempotency key as
 * message metadata, so a send that may have gone out before a crash is found instead of repeated.
 */
export class SlackDelivery implements DeliveryAdapter {
  readonly platform = "slack";

  constructor(
    private readonly people: SlackPeople,
    private readonly workspaces: Workspaces,
    private readonly roster: () => Promise<RosterIndex>,
  ) {}

  async resolvePerson(person: Person, opts?: { linkedOnly?: boolean }): Promise<Address | null> {
    const link = await this.people.reach(person, opts?.linkedOnly ?? false);
    if (!link) return null;
    return { platform: "slack", scope: link.teamId, channel: await this.people.dm(link.teamId, link.userId) };
  }

  /**
   * With one workspace, every channel is in it. With several (OAuth), a leadership channel
   * belongs to the district (or building) that names it in the roster, and the district to the
   * workspace its people were linked through (see SlackPeople.districtTeam).
   */
  async resolveChannel(channel: ChannelRefs): Promise<Address | null> {
    if (!channel.slack) return null;
    const teams = await this.workspaces.teams();
    let team = teams.length === 1 ? teams[0] : undefined;
    if (!team) {
      const district = (await this.roster()).roster.districts.find(
        (d) =>
          d.leadershipChannel?.slack === channel.slack ||
          d.buildings.some((b) => b.leadershipChannel?.slack === channel.slack),
      );
      team = (district && (await this.people.districtTeam(district.id))) ?? undefined;
    }
    return team ? { platform: "slack", scope: team, channel: channel.slack } : null;
  }

  async send(address: Address, message: Message): Promise<{ ref: string }> {
    const { client, channel } = await this.target(address);
    let ref: string | undefined;
    // Past 50 blocks a message goes as several; the first is the one a later update replaces.
    for (const [i, part] of renderMessage(message).entries()) {
      const posted = await post(client, channel, part, keyed(message, i));
      ref ??= posted;
    }
    return { ref: ref! };
  }

  /**
   * Reads the conversation since the entry was created for messages carrying its key; found only when
   * every part is there (a crash between parts posts the whole message again). A channel the app may
   * not read answers "not found": posting twice beats losing the message.
   */
  async findSent(address: Address, message: Message, sinceMs: number): Promise<{ ref: string } | null> {
    const { client, channel } = await this.target(address);
    const parts = renderMessage(message).length;
    const found = new Map<number, string>();
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let res: webApi.ConversationsHistoryResponse;
      try {
        res = await client.conversations.history({
          channel,
          oldest: `${(sinceMs - CLOCK_SKEW_MS) / 1000}`,
          limit: 100,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
      } catch (e) {
        const error = toDeliveryError(e, "conversations.history");
        if (error.kind === "permanent") return null;
        throw error;
      }
      for (const m of res.messages ?? []) {
        const payload = m.metadata?.event_payload as { key?: unknown; part?: unknown } | undefined;
        if (m.metadata?.event_type === OUTBOX_EVENT && payload?.key === message.key && m.ts) {
          found.set(Number(payload.part ?? 0), `${channel}:${m.ts}`);
        }
      }
      if (found.size === parts) return { ref: found.get(0)! };
      cursor = res.response_metadata?.next_cursor;
      if (!res.has_more || !cursor) return null;
    }
    return null;
  }

  async update(address: Address, ref: string, message: Message): Promise<{ ref: string }> {
    const { client } = await this.target(address);
    const [channel = "", ts = ""] = ref.split(":");
    const [first, ...rest] = renderMessage(message);
    try {
      await client.chat.update({ channel, ts, ...first! });
    } catch (e) {
      // The original is gone (deleted, or past the workspace's retention): post it anew.
      if (platformError(e) === "message_not_found") return this.send(address, message);
      throw toDeliveryError(e, "chat.update");
    }
    for (const [i, part] of rest.entries()) await post(client, channel, part, keyed(message, i + 1));
    return { ref };
  }

  private async target(address: Address): Promise<{ client: webApi.WebClient; channel: string }> {
    if (address.platform !== "slack")
      throw new DeliveryError("permanent", `not a Slack address: ${address.platform}`);
    const client = await this.workspaces.client(address.scope);
    if (!client)
      throw new DeliveryError("permanent", `coachbot is not installed in Slack workspace ${address.scope}`);
    return { client, channel: address.channel };
  }
}

function keyed(message: Message, part: number): types.MessageMetadata {
  return { event_type: OUTBOX_EVENT, event_payload: { key: message.key, part } };
}

/** Posts one message; its ref. Used for replies to people's own clicks and commands too. */
export async function post(
  client: webApi.WebClient,
  channel: string,
  part: SlackMessage,
  metadata?: types.MessageMetadata,
): Promise<string> {
  try {
    const res = await client.chat.postMessage({
      channel,
      ...part,
      unfurl_links: false,
      unfurl_media: false,
      ...(metadata ? { metadata } : {}),
    });
    return `${res.channel}:${res.ts}`;
  } catch (e) {
    throw toDeliveryError(e, "chat.postMessage");
  }
}
