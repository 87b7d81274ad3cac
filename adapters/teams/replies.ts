import type { TurnContext } from "botbuilder";
import type { FormView, Inbound, Message, Reply } from "../../src/ui/model.js";
import { cardActivity, messageActivity } from "./cards.js";
import type { TeamsDirectory } from "./directory.js";
import { formCard, submittedCard } from "./form-cards.js";

/**
 * A reply in the conversation it answers. A submitted form card is updated in place: shown
 * again with the messages under its fields when refused, made read-only once accepted. Forms
 * to open go as new cards (the card whose button opened one stays as it is).
 */
export async function answer(
  context: TurnContext,
  directory: TeamsDirectory,
  inbound: Inbound,
  reply: Reply,
): Promise<void> {
  const conversationId = context.activity.conversation.id;
  const cardId = context.activity.replyToId;
  let messages = reply.messages;
  if (inbound.kind === "submit" && cardId) {
    const view = await directory.form(conversationId, cardId);
    if (view && reply.errors) {
      const again: FormView = { ...view, values: inbound.values, errors: reply.errors };
      await context.updateActivity({
        ...cardActivity(formCard(again, reply.warnings), view.title),
        id: cardId,
      });
      return;
    }
    if (view) {
      await context.updateActivity({
        ...cardActivity(submittedCard(view, inbound.values), view.title),
        id: cardId,
      });
      await directory.forgetForm(conversationId, cardId);
    }
  }
  // Refused, but the card is not one this service showed (or it was already used): say why.
  if (reply.errors && !reply.form && messages.length === 0)
    messages = [notSaved(Object.values(reply.errors))];
  for (const message of messages) await context.sendActivity(messageActivity(message));
  if (reply.form) {
    const { errors, ...view } = reply.form;
    const shown = reply.errors ? { ...reply.form, errors: { ...errors, ...reply.errors } } : reply.form;
    const sent = await context.sendActivity(cardActivity(formCard(shown, reply.warnings), view.title));
    if (sent?.id) await directory.saveForm(conversationId, sent.id, view);
  }
}

function notSaved(problems: string[]): Message {
  const text = `Your form was not saved: ${problems.join(" ")} Type \`status\` to open it again.`;
  return {
    key: "form-not-saved",
    summary: "Your form was not saved",
    blocks: [{ kind: "text", tone: "warning", text }],
  };
}
