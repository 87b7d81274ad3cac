import type { Store } from "../../src/store/port.js";
import type { Message } from "../../src/ui/model.js";

/** Leadership channels get a pseudo-person inbox (`channel:<slack or teams id>`) so digests are visible. */
export const CHANNEL_PREFIX = "channel:";
const CHANNELS_NS = "local-inbox-channels";

export interface InboxEntry {
  /** Zero-padded sequence: sorting ids keeps the conversation in order. */
  id: string;
  from: "bot" | "you";
  message?: Message;
  text?: string;
  at: string;
}

export type NewInboxEntry = Omit<InboxEntry, "id">;

const inboxNs = (personId: string) => `local-inbox:${personId}`;
const nextId = (entries: InboxEntry[]) => String(Number(entries.at(-1)?.id ?? 0) + 1).padStart(8, "0");

/** One conversation per person with the bot, kept in the Store's documents. */
export class LocalInbox {
  /** Appends read then write: one person's writes run one after another so ids and keys stay unique. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  async list(personId: string): Promise<InboxEntry[]> {
    const docs = await this.store.listDocs<InboxEntry>(inboxNs(personId));
    return docs.map((doc) => doc.value).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Adds an entry. A bot message whose key is already there (delivery is at-least-once), or whose
   * `replaces` names an earlier key (buttons used up), updates that entry in place instead.
   */
  append(personId: string, entry: NewInboxEntry): Promise<InboxEntry> {
    return this.serially(personId, async () => {
      const entries = await this.list(personId);
      const { message } = entry;
      const earlier =
        message &&
        (entries.find((e) => e.message?.key === message.key) ??
          entries.find((e) => message.replaces !== undefined && e.message?.key === message.replaces));
      if (earlier) return this.write(personId, { ...earlier, message });
      if (entries.length === 0 && personId.startsWith(CHANNEL_PREFIX)) {
        await this.store.putDoc(CHANNELS_NS, personId, {});
      }
      return this.write(personId, { ...entry, id: nextId(entries) });
    });
  }

  /** Updates the entry `id` (the ref `append` gave out) in place; null when there is none. */
  replace(personId: string, id: string, message: Message): Promise<InboxEntry | null> {
    return this.serially(personId, async () => {
      const entry = await this.store.getDoc<InboxEntry>(inboxNs(personId), id);
      return entry ? this.write(personId, { ...entry, message }) : null;
    });
  }

  /** The channel pseudo-persons that have messages. */
  async channels(): Promise<string[]> {
    return (await this.store.listDocs(CHANNELS_NS)).map((doc) => doc.id).sort();
  }

  private async write(personId: string, entry: InboxEntry): Promise<InboxEntry> {
    await this.store.putDoc(inboxNs(personId), entry.id, entry);
    return entry;
  }

  private serially<T>(personId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(personId) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    this.queues.set(personId, settled);
    void settled.then(() => {
      if (this.queues.get(personId) === settled) this.queues.delete(personId);
    });
    return run;
  }
}
