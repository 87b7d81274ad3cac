// Text for Slack's mrkdwn: escaped so nothing a person typed can ping (<!channel>, <@U…>) or
// forge a link, and cut to Slack's length limits without breaking an escape in two.

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack escapes these three in the text people type to the bot; the workflows want them back. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Shortens to at most `max` characters, with an ellipsis when something was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${backOffEntity(text, max - 1).trimEnd()}…`;
}

/** Splits escaped text into pieces of at most `max` characters, at a line break or space where it can. */
export function chunk(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const at = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const cut = at > max / 2 ? at : backOffEntity(rest, max).length;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** The first `max` characters, moved back before an `&…;` escape that would be cut through. */
function backOffEntity(text: string, max: number): string {
  const head = text.slice(0, max);
  const amp = head.lastIndexOf("&");
  return amp >= 0 && !head.slice(amp).includes(";") && /^&(amp|lt|gt);/.test(text.slice(amp))
    ? head.slice(0, amp)
    : head;
}
