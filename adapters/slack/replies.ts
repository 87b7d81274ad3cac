import type { Logger } from "../../src/log.js";
import type { FormView, Message } from "../../src/ui/model.js";
import { post } from "./delivery.js";
import { renderModal } from "./modal.js";
import type { SlackPeople } from "./people.js";
import { renderMessage } from "./render.js";
import type { Workspaces } from "./workspaces.js";

/** A button that runs a command again (for a form asked for where Slack gives no trigger_id to open it). */
export const OPEN_FORM_ACTION = "coach.open-form";

/** Shows a reply to the person who clicked, typed or submitted: in their DM with the bot, or as a modal. */
export class Replies {
  constructor(
    private readonly workspaces: Workspaces,
    private readonly people: SlackPeople,
    private readonly logger: Logger,
  ) {}

  async toChannel(teamId: string, channel: string, messages: Message[]): Promise<void> {
    const client = await this.workspaces.client(teamId);
    if (!client) return;
    for (const part of messages.flatMap(renderMessage)) await post(client, channel, part);
  }

  async toUser(teamId: string, userId: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.toChannel(teamId, await this.people.dm(teamId, userId), messages);
  }

  /** Opens the form as a modal; if Slack refuses (the trigger expired), says so in the DM. */
  async openForm(teamId: string, userId: string, triggerId: string, form: FormView): Promise<void> {
    try {
      const client = await this.workspaces.client(teamId);
      await client?.views.open({ trigger_id: triggerId, view: renderModal(form) });
    } catch (e) {
      this.logger.warn({ teamId, form: form.id, error: (e as Error).message }, "views.open failed");
      await this.toUser(teamId, userId, [
        {
          key: `form-failed:${form.id}`,
          summary: "The form did not open",
          blocks: [
            {
              kind: "text",
              tone: "warning",
              text: "Sorry, Slack didn't open the form in time. Please try again.",
            },
          ],
        },
      ]);
    }
  }
}

/** In a DM there is no trigger_id to open a modal with: a button that asks again opens it. */
export function formButton(form: FormView, command: string): Message {
  return {
    key: `open-form:${form.id}`,
    summary: form.title,
    blocks: [
      { kind: "text", text: `${form.title}: press the button to fill it in.` },
      {
        kind: "actions",
        // A button's value holds 2000 characters at most; the command's words come first.
        actions: [
          { id: OPEN_FORM_ACTION, label: "Open the form", style: "primary", context: command.slice(0, 2000) },
        ],
      },
    ],
  };
}
