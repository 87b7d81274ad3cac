// Reading what the app sent Slack: the text and buttons of a message or view, the form of a modal.

export type Json = Record<string, unknown>;

/** All the text of a Block Kit message or view: section texts and fields, button labels. */
export function textOf(payload: Json | undefined): string {
  const blocks = (payload?.blocks as Json[] | undefined) ?? [];
  return blocks
    .flatMap((b) => [
      (b.text as Json | undefined)?.text,
      ...((b.fields as Json[] | undefined) ?? []).map((f) => f.text),
      ...((b.elements as Json[] | undefined) ?? []).map((e) => (e.text as Json | undefined)?.text),
      (b.label as Json | undefined)?.text,
    ])
    .filter((t): t is string => typeof t === "string")
    .join("\n");
}

/** The buttons of a message or view, in order. */
export function buttonsOf(payload: Json | undefined): { action_id: string; value?: string; url?: string }[] {
  const blocks = (payload?.blocks as Json[] | undefined) ?? [];
  return blocks.flatMap((b) =>
    b.type === "actions" ? (b.elements as { action_id: string; value?: string; url?: string }[]) : [],
  );
}

export function button(payload: Json | undefined, actionId: string) {
  const found = buttonsOf(payload).find((b) => b.action_id === actionId);
  if (!found) throw new Error(`no ${actionId} button in: ${textOf(payload)}`);
  return found;
}

/** The form a modal is for, from its private_metadata. */
export function formOf(view: Json): string {
  return JSON.parse(String(view.private_metadata)).form;
}
