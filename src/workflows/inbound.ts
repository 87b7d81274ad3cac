import { isCoachbotError } from "../errors.js";
import type { Inbound, Reply } from "../ui/model.js";
import { type Outcome, replyText, type WorkflowDeps } from "./deps.js";
import { MODULES } from "./modules.js";
import { precheck, refusal } from "./permissions.js";
import type { ActionHandler, SubmitHandler, WorkflowModule } from "./registry.js";

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

/** The permission-table key of an inbound event: "command:<word>", "action:<id>" or "form:<id>". */
function stepOf(inbound: Inbound): string {
  switch (inbound.kind) {
    case "command":
      return `command:${commandWords(inbound.text)[0] ?? "help"}`;
    case "action":
      return `action:${inbound.action}`;
    case "submit":
      return `form:${inbound.form}`;
  }
}

const commandWords = (text: string) => text.trim().toLowerCase().split(/\s+/).filter(Boolean);

/**
 * Every inbound event from every platform ends here. Who may act is checked here (never in an
 * adapter): the permission table first, then each handler checks the relation to what it loads. A
 * step's changes are written before its reply goes back, so an acknowledged submission is never lost.
 */
export async function handleInbound(deps: WorkflowDeps, inbound: Inbound, now: Date): Promise<Reply> {
  const roster = await deps.roster();
  const person = inbound.actor.personId ? roster.person(inbound.actor.personId) : undefined;
  const refused = precheck(roster, person, stepOf(inbound));
  if (refused === "unknown") {
    return (inbound.kind === "command" ? unknownCommand(inbound.text) : unknownStep()).reply;
  }
  // Someone outside the roster reads help, whatever they typed; nothing else.
  if (!person) return (inbound.kind === "command" ? helpText(false) : refusal("not-in-roster")).reply;
  if (refused) return refusal(refused).reply;
  const outcome = await route(deps, person.id, inbound, now);
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

/** Only steps the permission table names get here (precheck), so every lookup finds a handler. */
function route(deps: WorkflowDeps, personId: string, inbound: Inbound, now: Date): Promise<Outcome> {
  switch (inbound.kind) {
    case "command": {
      const [word = "help", ...args] = commandWords(inbound.text);
      if (word === "help") return Promise.resolve(helpText(true));
      return COMMANDS[word]!.handler(deps, personId, args, now);
    }
    case "action":
      return ACTIONS[inbound.action]!(deps, personId, inbound.context, now);
    case "submit":
      return SUBMITS[inbound.form]!(deps, personId, inbound.context, inbound.values, now);
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
