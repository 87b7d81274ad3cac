import {
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type TeamsChannelAccount,
  type TeamsChannelData,
  TeamsInfo,
  TurnContext,
} from "botbuilder";
import type { Person } from "../../src/domain/model.js";
import type { RosterIndex } from "../../src/domain/roster-index.js";
import type { Logger } from "../../src/log.js";
import type { Actor } from "../../src/ui/model.js";
import type { AdapterContext } from "../types.js";
import {
  channelKey,
  chatKey,
  personalKey,
  type StoredConversation,
  type TeamsDirectory,
} from "./directory.js";
import { errorSummary } from "./errors.js";

// Where the bot can write later, learned from what Teams sends: the install (or the bot being
// added to a team or chat), and any message in a conversation not yet known. People are linked
// to the roster by e-mail (or UPN) from Teams' member list, or by the teamsId in the roster.

const MEMBER_PAGE = 200;

export class Capture {
  constructor(
    private readonly directory: TeamsDirectory,
    private readonly ctx: AdapterContext,
    private readonly logger: Logger,
  ) {}

  /** The app was installed, or the bot added: remember the conversation and link its people. */
  async installed(context: TurnContext): Promise<void> {
    const a = context.activity;
    await this.remember(a);
    const team = teamOf(a);
    try {
      if (team) {
        for (const channel of await TeamsInfo.getTeamChannels(context)) {
          if (channel.id) await this.saveChannel(a, channel.id);
        }
      }
      if (a.conversation.conversationType === "personal") {
        // Teams sends both installationUpdate and conversationUpdate: look the person up once.
        if (!a.from.aadObjectId || !(await this.directory.user(a.from.aadObjectId)))
          await this.link(context, a.from, true);
      } else {
        for await (const member of members(context)) await this.link(context, member, false);
      }
    } catch (err) {
      // Channels or members could not be listed (e.g. a permission missing): the conversation
      // itself is kept, and people are linked when they write to the bot.
      this.logger.warn(
        { err: errorSummary(err), team: team ?? null },
        "could not list the Teams team or chat",
      );
    }
  }

  /** The app was removed: nothing more is sent there until it is installed again. */
  async uninstalled(context: TurnContext): Promise<void> {
    const a = context.activity;
    const team = teamOf(a);
    const key = conversationKey(a);
    if (key) await this.directory.markDead(key, "the app was removed");
    if (team) await this.directory.markTeamDead(team, "the app was removed from the team");
  }

  /** A new channel in a team that has the app: it can receive posts too. */
  async channelCreated(context: TurnContext): Promise<void> {
    const channel = (context.activity.channelData as TeamsChannelData | undefined)?.channel?.id;
    if (channel) await this.saveChannel(context.activity, channel);
  }

  /** On every message: the conversation (if new or revived) and who wrote, as an Actor. */
  async seen(context: TurnContext): Promise<Actor> {
    const a = context.activity;
    const key = conversationKey(a);
    const known = key ? await this.directory.conversation(key) : null;
    if (!known || known.dead) await this.remember(a);
    const aad = a.from.aadObjectId;
    const user = aad ? await this.directory.user(aad) : null;
    const personId = user?.personId ?? (await this.link(context, a.from, true));
    return { platform: "teams", externalId: aad ?? a.from.id, personId };
  }

  private async remember(a: Activity): Promise<void> {
    const key = conversationKey(a);
    if (!key) return;
    const reference = TurnContext.getConversationReference(a);
    const kind: StoredConversation["kind"] = key.startsWith("personal:")
      ? "personal"
      : key.startsWith("chat:")
        ? "chat"
        : "channel";
    if (kind === "channel") return this.saveChannel(a, key.slice("channel:".length));
    await this.directory.saveConversation(key, {
      kind,
      tenantId: tenantOf(a),
      reference: withoutActivity(reference),
    });
  }

  /** A channel's reference: the team's, pointed at the channel itself (a post, not a reply). */
  private async saveChannel(a: Activity, channelId: string): Promise<void> {
    const reference = withoutActivity(TurnContext.getConversationReference(a));
    delete reference.user;
    await this.directory.saveConversation(channelKey(channelId), {
      kind: "channel",
      tenantId: tenantOf(a),
      ...(teamOf(a) ? { teamId: teamOf(a) } : {}),
      reference: { ...reference, conversation: { ...reference.conversation!, id: channelId } },
    });
  }

  /** Links a Teams user to the roster person; returns the person id, or null for someone the roster does not know. */
  private async link(
    context: TurnContext,
    account: ChannelAccount & Partial<TeamsChannelAccount>,
    lookUp: boolean,
  ): Promise<string | null> {
    const roster = await this.ctx.roster();
    let person = byTeamsId(roster, account) ?? byEmail(roster, account);
    if (!person && lookUp) {
      const member = await TeamsInfo.getMember(context, account.id).catch((err: unknown) => {
        this.logger.debug({ err: errorSummary(err) }, "Teams member look-up failed");
        return null;
      });
      if (member) person = byEmail(roster, member);
    }
    const aad = account.aadObjectId;
    if (!person || !aad) return person?.id ?? null;
    const a = context.activity;
    await this.directory.link(aad, {
      personId: person.id,
      userId: account.id,
      tenantId: tenantOf(a),
      serviceUrl: a.serviceUrl,
      botId: a.recipient.id,
    });
    return person.id;
  }
}

async function* members(context: TurnContext): AsyncGenerator<TeamsChannelAccount> {
  let token: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, MEMBER_PAGE, token);
    yield* page.members;
    token = page.continuationToken || undefined;
  } while (token);
}

function byTeamsId(roster: RosterIndex, account: ChannelAccount): Person | undefined {
  return (
    (account.aadObjectId && roster.byPlatformId("teams", account.aadObjectId)) ||
    roster.byPlatformId("teams", account.id)
  );
}

function byEmail(roster: RosterIndex, account: Partial<TeamsChannelAccount>): Person | undefined {
  return (
    (account.email && roster.person(account.email)) ||
    (account.userPrincipalName && roster.person(account.userPrincipalName)) ||
    undefined
  );
}

/** The key of the conversation an activity came from, or null when it says too little. */
function conversationKey(a: Activity): string | null {
  switch (a.conversation?.conversationType) {
    case "channel": {
      const channel =
        (a.channelData as TeamsChannelData | undefined)?.channel?.id ?? a.conversation.id.split(";")[0]!;
      return channelKey(channel);
    }
    case "groupChat":
      return chatKey(a.conversation.id);
    default:
      return a.from?.aadObjectId ? personalKey(a.from.aadObjectId) : null;
  }
}

function tenantOf(a: Activity): string {
  return a.conversation?.tenantId ?? (a.channelData as TeamsChannelData | undefined)?.tenant?.id ?? "";
}

function teamOf(a: Activity): string | undefined {
  return (a.channelData as TeamsChannelData | undefined)?.team?.id;
}

function withoutActivity(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  const { activityId: _, ...rest } = reference;
  return rest;
}
