import { isCoachbotError } from "../errors.js";
import type { Inbound, Reply } from "../ui/model.js";
import { type Outcome, replyText, type WorkflowDeps } from "./deps.js";
import { MODULES } from "./modules.js";
import type { ActionHandler, CommandHandler, SubmitHandler, WorkflowModule } from "./registry.js";

const merge = <T>(pick: (m: WorkflowModule) => Record<string, T> | undefined): Record<string, T> =>
  Object.assign({}, ...MODULES.map((m) => pick(m) ?? {}));

const COMMANDS = merge((m) => m.commands);
const ACTIONS: Record<string, ActionHandler> = merge((m) => m.actions);
const SUBMITS: Record<string, SubmitHandler> = merge((m) => m.submits);

export function helpText(known: boolean): Outcome {
  const lines = Object.values(COMMANDS)
    .map((c) => `• ${c.usage}: ${c.help}`)
    .join("\n");
  const intro = known
    ? "I help you and your coaching partners plan classroom observations and share feedback. What you write to a partner stays between the two of you."
    : "I help coaching partners plan classroom observations and share feedback. I don't have you in your district's coaching roster yet, so there's nothing else I can do for you for now: ask your district's coaching lead to add your school e-mail.";
  return replyText("help", known ? `${intro}\n\nCommands:\n• help: what I can do\n${lines}` : intro);
}

/**
 * Every inbound event from every platform ends here. Who may act is checked here (never in an
 * adapter), and a step's changes are written before its reply goes back, so an acknowledged
 * submission is never lost.
 */
export async function handleInbound(deps: WorkflowDeps, inbound: Inbound, now: Date): Promise<Reply> {
  const roster = await deps.roster();
  const personId = inbound.actor.personId && roster.person(inbound.actor.personId)?.id;
  if (!personId) {
    if (inbound.kind === "command") return helpText(false).reply;
    return replyText(
      "not-in-roster",
      "I don't have you in the coaching roster, so I can't do that. Type `help` to learn more.",
      "warning",
    ).reply;
  }
  const outcome = await route(deps, personId, inbound, now);
  if (outcome.changes) {
    try {
      await deps.store.apply(outcome.changes);
    } catch (e) {
      if (!isCoachbotError(e, "STORE_CONFLICT")) throw e;
      return replyText(
        "conflict",
        "That changed while you were looking at it (perhaps your partner just answered). Type `status` to see where things are now.",
        "warning",
      ).reply;
    }
  }
  return outcome.reply;
}

function route(deps: WorkflowDeps, personId: string, inbound: Inbound, now: Date): Promise<Outcome> {
  switch (inbound.kind) {
    case "command": {
      const [word = "help", ...args] = inbound.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
      if (word === "help") return Promise.resolve(helpText(true));
      const command: CommandHandler | undefined = COMMANDS[word]?.handler;
      return command ? command(deps, personId, args, now) : Promise.resolve(unknownCommand(inbound.text));
    }
    case "action": {
      const handler = ACTIONS[inbound.action];
      return handler ? handler(deps, personId, inbound.context, now) : Promise.resolve(unknownStep());
    }
    case "submit": {
      const handler = SUBMITS[inbound.form];
      return handler
        ? handler(deps, personId, inbound.context, inbound.values, now)
        : Promise.resolve(unknownStep());
    }
  }
}

function unknownCommand(text: string): Outcome {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return replyText(
    "unknown-command",
    `I don't know "${shown}". Type \`help\` to see what I can do.`,
    "warning",
  );
}

function unknownStep(): Outcome {
  return replyText(
    "unknown-step",
    "That button or form is no longer in use. Type `status` to see what's waiting for you.",
    "warning",
  );
}
