import { type ChannelAccount, TeamsActivityHandler, type TurnContext } from "botbuilder";
import type { Logger } from "../../src/log.js";
import type { Inbound } from "../../src/ui/model.js";
import type { AdapterContext } from "../types.js";
import type { Capture } from "./capture.js";
import { messageActivity } from "./cards.js";
import type { TeamsDirectory } from "./directory.js";
import { toInbound } from "./inbound.js";
import { answer } from "./replies.js";

/** Teams resends an activity it thinks we missed (no answer within 15 s); one handling is enough. */
const DEDUPE_TTL_MS = 2 * 3_600_000;

const PRIVATE_ONLY = {
  key: "teams-private-only",
  summary: "Let's talk in our 1:1 chat",
  blocks: [
    {
      kind: "text" as const,
      text: "Coaching stays between partners, so I only answer that in our 1:1 chat. Open a chat with me and type it there (`help` works anywhere).",
    },
  ],
};

export interface BotDeps {
  ctx: AdapterContext;
  capture: Capture;
  directory: TeamsDirectory;
  logger: Logger;
}

/**
 * Teams traffic as neutral Inbound events: installs and membership changes keep the stored
 * conversation references current; messages (typed words, card buttons, form cards) go to the
 * workflows and their reply comes back in the same conversation. Who may act is the workflows'
 * business.
 */
export class CoachBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
    const { capture } = deps;
    this.onInstallationUpdateAdd(async (context, next) => {
      await capture.installed(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await capture.uninstalled(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if (includesBot(context.activity.membersAdded, context)) await capture.installed(context);
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if (includesBot(context.activity.membersRemoved, context)) await capture.uninstalled(context);
      await next();
    });
    this.onTeamsChannelCreatedEvent(async (_channel, _team, context, next) => {
      await capture.channelCreated(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
  }

  private async message(context: TurnContext): Promise<void> {
    const { ctx, capture, directory } = this.deps;
    const a = context.activity;
    if (a.id && !(await ctx.store.claimOnce(`teams:seen:${a.conversation.id}:${a.id}`, DEDUPE_TTL_MS))) {
      this.deps.logger.debug({ id: a.id }, "duplicate Teams activity dropped");
      return;
    }
    const actor = await capture.seen(context);
    const inbound = toInbound(a, actor);
    if (!inbound) return;
    ctx.metrics.inbound.inc({ platform: "teams", kind: inbound.kind });
    // Channels and group chats are seen by others: only help is answered there.
    if (a.conversation.conversationType !== "personal" && !isHelp(inbound)) {
      await context.sendActivity(messageActivity(PRIVATE_ONLY));
      return;
    }
    await answer(context, directory, inbound, await ctx.handle(inbound));
  }
}

function includesBot(members: ChannelAccount[] | undefined, context: TurnContext): boolean {
  return (members ?? []).some((m) => m.id === context.activity.recipient.id);
}

function isHelp(inbound: Inbound): boolean {
  return inbound.kind === "command" && inbound.text.toLowerCase() === "help";
}
