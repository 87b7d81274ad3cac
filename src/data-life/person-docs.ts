import type { Store } from "../store/port.js";

// The store's documents that are about one person. The workflows keep "person-state" by person id;
// the adapters keep the rest (src/ may not import them, so they are found here by how they are
// keyed, and tests/integration/data-life.test.ts writes them through the adapters' own code):
//   adapters/local/inbox.ts       "local-inbox:<person id>": the local chat, one document a message
//   adapters/slack/people.ts      "slack-people" by person id; "slack-users" by "<team>:<user>", { personId }
//   adapters/teams/directory.ts   "teams-people" by person id, { aadObjectId }; "teams-users" by Entra
//                                 object id, { personId }; "teams-conversations" "personal:<object id>";
//                                 "teams-forms" "<conversation id>|<activity id>"

export interface Doc {
  ns: string;
  id: string;
  value: unknown;
}

const LOCAL_INBOX = "local-inbox:";
const TEAMS_USERS = "teams-users";
const TEAMS_CONVERSATIONS = "teams-conversations";
const TEAMS_FORMS = "teams-forms";

const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;

export async function allDocs(store: Store): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (const ns of await store.docNamespaces()) {
    for (const { id, value } of await store.listDocs(ns)) docs.push({ ns, id, value });
  }
  return docs;
}

/**
 * The person's documents: a namespace of their own ("…:<person id>"), documents keyed by their id
 * or naming them as `personId`, and the Teams 1:1 chat of their Entra object id with its open forms.
 */
export function personDocs(docs: readonly Doc[], personId: string): Doc[] {
  const own = docs.filter(
    (d) => d.ns.endsWith(`:${personId}`) || d.id === personId || field(d.value, "personId") === personId,
  );
  const objectIds = new Set(
    own.flatMap((d) => {
      const linked = field(d.value, "aadObjectId");
      return d.ns === TEAMS_USERS ? [d.id] : typeof linked === "string" ? [linked] : [];
    }),
  );
  const chats = docs.filter(
    (d) => d.ns === TEAMS_CONVERSATIONS && [...objectIds].some((aad) => d.id === `personal:${aad}`),
  );
  const chatIds = chats.map((d) => field(field(field(d.value, "reference"), "conversation"), "id"));
  const forms = docs.filter(
    (d) => d.ns === TEAMS_FORMS && chatIds.some((id) => typeof id === "string" && d.id.startsWith(`${id}|`)),
  );
  return [...new Set([...own, ...chats, ...forms])];
}

/** Message copies: the local chat's messages and Teams' open form cards (with what was typed in them). */
const isCopy = (d: Doc) => d.ns.startsWith(LOCAL_INBOX) || d.ns === TEAMS_FORMS;

/** Message copies, anyone's, that contain any of `needles`: what was written by, to or about someone. */
export function copiesMentioning(docs: readonly Doc[], needles: readonly string[]): Doc[] {
  return docs.filter((d) => isCopy(d) && mentions(JSON.stringify(d.value), needles));
}

/** Case-insensitive, on the JSON text: each needle is escaped as JSON would write it. */
export function mentions(json: string, needles: readonly string[]): boolean {
  const haystack = json.toLowerCase();
  return needles.some((n) => haystack.includes(JSON.stringify(n.toLowerCase()).slice(1, -1)));
}

/** Copies of delivered messages kept as documents (the local chat's inboxes) from before `cutoff`. */
export function messageCopiesBefore(docs: readonly Doc[], cutoff: Date): Doc[] {
  return docs.filter((d) => {
    const at = field(d.value, "at");
    return d.ns.startsWith(LOCAL_INBOX) && typeof at === "string" && Date.parse(at) < cutoff.getTime();
  });
}
