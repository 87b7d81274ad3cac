import type { ConversationReference } from "botbuilder";
import type { Person } from "../../src/domain/model.js";
import type { Store } from "../../src/store/port.js";
import type { FormView } from "../../src/ui/model.js";

// What the Teams adapter remembers, as store documents (shared by every instance):
// - conversations: the reference captured at install (or first message) for each personal chat,
//   group chat and channel, keyed "personal:<aadObjectId>", "chat:<id>", "channel:<19:...>";
//   marked dead once Teams refuses it (uninstalled, blocked) until the next install;
// - users: a Teams user (by aadObjectId) linked to a roster person, with what a proactive 1:1
//   chat needs when the person has never opened one (the bot met them as a team member);
// - people: roster person -> aadObjectId;
// - forms: the form each open form card shows, so a refused submission can be shown again.

export interface StoredConversation {
  kind: "personal" | "chat" | "channel";
  tenantId: string;
  /** For a channel: its team, so removing the app from the team silences all its channels. */
  teamId?: string;
  reference?: Partial<ConversationReference>;
  /** Why Teams refused it; nothing is sent there until a new install replaces it. */
  dead?: string;
}

export interface TeamsUser {
  personId: string;
  /** The Bot Framework id ("29:..."), which conversations.create needs. */
  userId: string;
  tenantId: string;
  serviceUrl: string;
  /** The bot's own id as Teams addresses it ("28:..."). */
  botId: string;
}

const NS = {
  conversations: "teams-conversations",
  users: "teams-users",
  people: "teams-people",
  forms: "teams-forms",
} as const;

export const personalKey = (aadObjectId: string) => `personal:${aadObjectId}`;
export const channelKey = (channelId: string) => `channel:${channelId}`;
export const chatKey = (conversationId: string) => `chat:${conversationId}`;

export class TeamsDirectory {
  constructor(private readonly store: Store) {}

  conversation(key: string): Promise<StoredConversation | null> {
    return this.store.getDoc<StoredConversation>(NS.conversations, key);
  }

  async saveConversation(key: string, conversation: StoredConversation): Promise<void> {
    await this.store.putDoc(NS.conversations, key, conversation);
  }

  async markDead(key: string, reason: string): Promise<void> {
    const known = await this.conversation(key);
    await this.saveConversation(key, { ...(known ?? { kind: "personal", tenantId: "" }), dead: reason });
  }

  async markTeamDead(teamId: string, reason: string): Promise<void> {
    for (const { id, value } of await this.store.listDocs<StoredConversation>(NS.conversations)) {
      if (value.teamId === teamId) await this.saveConversation(id, { ...value, dead: reason });
    }
  }

  user(aadObjectId: string): Promise<TeamsUser | null> {
    return this.store.getDoc<TeamsUser>(NS.users, aadObjectId);
  }

  async link(aadObjectId: string, user: TeamsUser): Promise<void> {
    await this.store.putDoc(NS.users, aadObjectId, user);
    await this.store.putDoc(NS.people, user.personId, { aadObjectId });
  }

  async aadObjectIdOf(person: Person): Promise<string | null> {
    return (await this.store.getDoc<{ aadObjectId: string }>(NS.people, person.id))?.aadObjectId ?? null;
  }

  form(conversationId: string, activityId: string): Promise<FormView | null> {
    return this.store.getDoc<FormView>(NS.forms, `${conversationId}|${activityId}`);
  }

  async saveForm(conversationId: string, activityId: string, view: FormView): Promise<void> {
    await this.store.putDoc(NS.forms, `${conversationId}|${activityId}`, view);
  }

  async forgetForm(conversationId: string, activityId: string): Promise<void> {
    await this.store.deleteDoc(NS.forms, `${conversationId}|${activityId}`);
  }
}
