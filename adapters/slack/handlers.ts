import { setTimeout as delay } from "node:timers/promises";
import type { AllMiddlewareArgs, App, BlockAction, ViewStateValue } from "@slack/bolt";
import type { Logger } from "../../src/log.js";
import type { Inbound, Reply } from "../../src/ui/model.js";
import type { AdapterContext } from "../types.js";
import { homeCommands, homeView } from "./home.js";
import { FORM_CALLBACK, fieldErrors, formValues, parseMeta, renderModal } from "./modal.js";
import { unescapeMrkdwn } from "./mrkdwn.js";
import type { SlackPeople } from "./people.js";
import { LINK_ACTION_PREFIX, renderMessage } from "./render.js";
import { formButton, OPEN_FORM_ACTION, Replies } from "./replies.js";
import type { Workspaces } from "./workspaces.js";

// Slack's inbound traffic as neutral Inbound events: the /coach command and DMs are commands,
// buttons are actions, modals are submissions. Who may do what is the workflows' business.

export interface HandlerDeps {
  ctx: AdapterContext;
  workspaces: Workspaces;
  people: SlackPeople;
  logger: Logger;
}

/** Slack retries a missed event three times within about five minutes; an hour leaves room. */
const DEDUPE_TTL_MS = 3_600_000;
/** Slack closes a modal with an error after 3 s without an answer; past this we answer "done" and follow up. */
const ACK_BUDGET_MS = 2_500;

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const { ctx, workspaces, people, logger } = deps;
  const replies = new Replies(workspaces, people, logger);
  const handle = (inbound: Inbound): Promise<Reply> => {
    ctx.metrics.inbound.inc({ platform: "slack", kind: inbound.kind });
    return ctx.handle(inbound);
  };

  // A retried event (same event_id) or a replayed interaction (same trigger_id) is acknowledged
  // and dropped, so nothing happens twice. Claimed only where there is work to do (never for a
  // link button, another app's command or a closed modal), and after the acknowledgement where
  // the acknowledgement is the same either way.
  const firstDelivery = async (id: string | undefined): Promise<boolean> => {
    if (!id || (await ctx.store.claimOnce(`slack:seen:${id}`, DEDUPE_TTL_MS))) return true;
    logger.debug({ id }, "duplicate Slack delivery dropped");
    return false;
  };

  // One listener per kind of request: Bolt runs every listener's filters on every request.
  app.command(/.*/, async ({ ack, command, respond, context }) => {
    await ack();
    // Another app's command in the same namespace is acknowledged and left alone.
    if (command.command !== "/coach" || !(await firstDelivery(command.trigger_id))) return;
    const teamId = teamOf(context);
    const actor = await people.actor(teamId, command.user_id);
    const reply = await handle({ kind: "command", actor, text: command.text });
    if (reply.form) await replies.openForm(teamId, command.user_id, command.trigger_id, reply.form);
    for (const part of reply.messages.flatMap(renderMessage))
      await respond({ response_type: "ephemeral", ...part });
  });

  // Events are acknowledged by Bolt before any listener runs.
  app.event(/.*/, async ({ event, body, context }) => {
    switch (event.type) {
      case "message":
        return onMessage(event, body.event_id, teamOf(context));
      case "app_home_opened":
        if (event.tab !== "home" || !(await firstDelivery(body.event_id))) return;
        return onHomeOpened(event.user, teamOf(context));
      case "app_uninstalled":
        if (!(await firstDelivery(body.event_id))) return;
        logger.info({ teamId: context.teamId }, "Slack workspace uninstalled coachbot");
        return workspaces.forget(teamOf(context));
      case "tokens_revoked":
        if (!event.tokens.bot?.length || !(await firstDelivery(body.event_id))) return;
        return workspaces.forget(teamOf(context));
    }
  });

  const onMessage = async (event: object, eventId: string, teamId: string) => {
    const m = event as {
      channel_type?: string;
      subtype?: string;
      bot_id?: string;
      user?: string;
      text?: string;
      channel: string;
    };
    if (m.channel_type !== "im" || m.subtype || m.bot_id || !m.user || !m.text) return;
    if (!(await firstDelivery(eventId))) return;
    const text = unescapeMrkdwn(m.text.replace(/<@[A-Z0-9]+>/g, "")).trim();
    const reply = await handle({ kind: "command", actor: await people.actor(teamId, m.user), text });
    await replies.toChannel(
      teamId,
      m.channel,
      reply.form ? [...reply.messages, formButton(reply.form, text)] : reply.messages,
    );
  };

  const onHomeOpened = async (userId: string, teamId: string) => {
    const actor = await people.actor(teamId, userId);
    const roles = actor.personId ? ((await ctx.roster()).person(actor.personId)?.roles ?? []) : null;
    const sections = await Promise.all(
      homeCommands(roles).map(async (text) => (await handle({ kind: "command", actor, text })).messages),
    );
    const client = await workspaces.client(teamId);
    await client?.views.publish({ user_id: userId, view: homeView(sections) });
  };

  app.action<BlockAction>(/.+/, async ({ ack, body, action, context }) => {
    await ack();
    if (action.type !== "button" || action.action_id.startsWith(LINK_ACTION_PREFIX)) return;
    if (!(await firstDelivery(body.trigger_id))) return;
    const teamId = teamOf(context);
    const actor = await people.actor(teamId, body.user.id);
    const context_ = action.value ?? "";
    const reply = await handle(
      action.action_id === OPEN_FORM_ACTION
        ? { kind: "command", actor, text: context_ }
        : { kind: "action", actor, action: action.action_id, context: context_ },
    );
    if (reply.form) await replies.openForm(teamId, body.user.id, body.trigger_id, reply.form);
    await replies.toUser(teamId, body.user.id, reply.messages);
  });

  // Submissions and closes of any modal; only our form's submissions have work to do.
  app.view({ callback_id: /.*/ }, async ({ ack, body, view, context }) => {
    if (body.type !== "view_submission" || view.callback_id !== FORM_CALLBACK) return ack();
    const meta = parseMeta(view.private_metadata);
    if (!meta) return ack();
    // The answer to a submission is the acknowledgement itself: claimed before it.
    if (!(await firstDelivery(body.trigger_id))) return ack();
    const teamId = teamOf(context);
    const userId = body.user.id;
    const values = formValues(view.state.values as Record<string, Record<string, ViewStateValue>>);
    // Linking the person may call Slack too: all of it counts against the acknowledgement window.
    const pending = people
      .actor(teamId, userId)
      .then((actor) => handle({ kind: "submit", actor, ...meta, values }));
    const reply = await Promise.race([pending, delay(ACK_BUDGET_MS, null)]);
    if (!reply) {
      // Too slow to answer inside Slack's window: close the modal and say what happened in the DM.
      await ack();
      const late = await pending;
      await replies.toUser(
        teamId,
        userId,
        late.errors ? [notSaved(Object.values(late.errors))] : late.messages,
      );
      return;
    }
    if (reply.errors) {
      // Warnings can only show as errors here, and only beside a real error (they never block alone).
      const inputs = view.blocks.flatMap((b) => (b.type === "input" && b.block_id ? [b.block_id] : []));
      await ack({
        response_action: "errors",
        errors: fieldErrors(inputs, { ...reply.warnings, ...reply.errors }),
      });
      return;
    }
    await ack(
      reply.form
        ? { response_action: "update", view: renderModal(reply.form) }
        : { response_action: "clear" },
    );
    await replies.toUser(teamId, userId, reply.messages);
  });

  // Whatever else arrives signed (a shortcut, an options request) is acknowledged at once,
  // instead of hanging for Bolt's 3-second unhandled-request timeout.
  app.shortcut(/.*/, async ({ ack }) => ack());
  app.options(/.*/, async ({ ack }) => ack({ options: [] }));

  app.error(async (error) => {
    logger.error({ err: { message: error.message, code: error.code } }, "Slack request failed");
  });
}

function teamOf(context: AllMiddlewareArgs["context"]): string {
  return context.teamId ?? context.enterpriseId ?? "";
}

function notSaved(problems: string[]) {
  return {
    key: "form-not-saved",
    summary: "Your form was not saved",
    blocks: [
      {
        kind: "text" as const,
        tone: "warning" as const,
        text: `Your form was not saved: ${problems.join(" ")} Please open it again.`,
      },
    ],
  };
}
