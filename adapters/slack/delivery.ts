import type { webApi } from "@slack/bolt";
import { type Address, type DeliveryAdapter, DeliveryError } from "../../src/adapter.js";
import type { ChannelRefs, Person } from "../../src/domain/model.js";
import type { RosterIndex } from "../../src/domain/roster-index.js";
import type { Message } from "../../src/ui/model.js";
import { platformError, toDeliveryError } from "./errors.js";
import type { SlackPeople } from "./people.js";
import { renderMessage, type SlackMessage } from "./render.js";
import type { Workspaces } from "./workspaces.js";

/**
 * Proactive delivery to Slack: a person in their DM with the bot (conversations.open, then
 * chat.postMessage), a leadership channel by its id. The ref is "<channel>:<ts>", which
 * chat.update needs to replace the message later.
 */
export class SlackDelivery implements DeliveryAdapter {
  readonly platform = "slack";

  constructor(
    private readonly people: SlackPeople,
    private readonly workspaces: Workspaces,
    private readonly roster: () => Promise<RosterIndex>,
  ) {}

  async resolvePerson(person: Person): Promise<Address | null> {
    const link = await this.people.reach(person);
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
    for (const part of renderMessage(message)) {
      const posted = await post(client, channel, part);
      ref ??= posted;
    }
    return { ref: ref! };
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
    for (const part of rest) await post(client, channel, part);
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

/** Posts one message; its ref. Used for replies to people's own clicks and commands too. */
export async function post(client: webApi.WebClient, channel: string, part: SlackMessage): Promise<string> {
  try {
    const res = await client.chat.postMessage({ channel, ...part, unfurl_links: false, unfurl_media: false });
    return `${res.channel}:${res.ts}`;
  } catch (e) {
    throw toDeliveryError(e, "chat.postMessage");
  }
}
