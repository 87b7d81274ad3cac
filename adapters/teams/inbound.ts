import { z } from "zod";
import type { Actor, Inbound } from "../../src/ui/model.js";

// A Teams message activity as a neutral Inbound: typed text is a command, a card button's
// Action.Submit brings back { action, context }, a form card's brings { form, context, ...inputs }.

const ActionData = z.object({ action: z.string().min(1).max(200), context: z.string().max(4000) });
const SubmitData = z.object({ form: z.string().min(1).max(200), context: z.string().max(4000) });
/** What a card input can send: text, a choice ("a,b" for several), a number from older clients. */
const InputValue = z.union([z.string().max(10_000), z.number(), z.array(z.string().max(200)).max(50)]);

export interface MessageLike {
  text?: string;
  value?: unknown;
}

export function toInbound(activity: MessageLike, actor: Actor): Inbound | null {
  const value = activity.value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const submit = SubmitData.safeParse(value);
    if (submit.success) {
      const values: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        if (name !== "form" && name !== "context" && InputValue.safeParse(v).success) values[name] = v;
      }
      return { kind: "submit", actor, form: submit.data.form, context: submit.data.context, values };
    }
    const action = ActionData.safeParse(value);
    if (action.success) return { kind: "action", actor, ...action.data };
  }
  const text = commandText(activity.text ?? "");
  return text ? { kind: "command", actor, text } : null;
}

/** The words typed, without what Teams wraps them in: `<at>bot</at>` mentions in channels, tags, entities. */
export function commandText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 2000);
}
