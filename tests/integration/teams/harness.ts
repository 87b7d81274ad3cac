import { randomUUID } from "node:crypto";
import type { Service } from "../../../src/main.js";
import { checkAdaptiveCard } from "../../fixtures/adaptive-card-check.js";
import { FakeConnector, type Member, type PostedActivity } from "../../fixtures/fake-connector.js";
import { startLocalService } from "../../helpers/local-service.js";

// The real service (tests/helpers/local-service.ts: SQLite, demo roster, manual clock, no
// scheduler; Teams with an empty app id, so no token checks, as for the local Playground) and a
// fake Bot Framework connector that botbuilder posts to. Activities are sent to
// POST /api/messages as Teams sends them.

export const PUBLIC_URL = "https://coachbot.test";
export const TENANT = "5f1c0e2a-7d1b-4f43-9a0e-coachbot0001";
export const BOT = { id: "28:coachbot-app", name: "coachbot" };

export interface TeamsUser extends Member {
  email: string;
  /** The id of the user's 1:1 chat with the bot. */
  chat: string;
}

function user(key: string, name: string, email: string): TeamsUser {
  return {
    id: `29:${key}`,
    aadObjectId: `aad-${key}`,
    name,
    email,
    userPrincipalName: email,
    tenantId: TENANT,
    chat: `a:personal-${key}`,
  };
}

/** Demo-roster people as Teams users; none has a teamsId in the roster, so linking is by e-mail. */
export const USERS = {
  emily: user("emily", "Emily Tran", "emily.tran@prairievalley.example.org"),
  jacob: user("jacob", "Jacob Whitehorse", "jacob.whitehorse@prairievalley.example.org"),
  susan: user("susan", "Susan Harlan", "susan.harlan@prairievalley.example.org"),
  stranger: user("stranger", "Visiting Consultant", "visitor@elsewhere.example.org"),
};

export interface TeamsService {
  service: Service;
  /** The SQLite file behind the service. */
  dataFile: string;
  fake: FakeConnector;
  base: string;
  /** Posts an activity to /api/messages; resolves with the HTTP status once the turn is done. */
  send(activity: Record<string, unknown>): Promise<number>;
  /** A personal-chat activity from `from` (in `chat`, by default theirs), with Teams' fields filled in. */
  personal(from: TeamsUser, fields: Record<string, unknown>, chat?: string): Record<string, unknown>;
  /** A channel activity from `from` in a team (the General channel's id is the team's). */
  channel(
    from: TeamsUser,
    team: string,
    channel: string,
    fields: Record<string, unknown>,
  ): Record<string, unknown>;
  /** The app installed in `from`'s personal scope (installationUpdate, then conversationUpdate). */
  install(from: TeamsUser): Promise<void>;
  /** The app added to a team by `by`, which Teams tells in the team's General channel. */
  installInTeam(by: TeamsUser, team: string): Promise<void>;
  /** Moves the service clock and runs the scheduler there, delivering what it enqueued. */
  at(iso: string): ReturnType<Service["engine"]["runOnce"]>;
  close(): Promise<void>;
}

export async function startTeamsService(start: string): Promise<TeamsService> {
  const fake = await new FakeConnector(checkAdaptiveCard).start();
  const local = await startLocalService(start, { PUBLIC_URL });
  const { service, base } = local;
  for (const u of Object.values(USERS)) fake.members.set(u.chat, [u]);

  const send = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const personal = (from: TeamsUser, fields: Record<string, unknown>, chat = from.chat) => ({
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl: fake.url,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    conversation: { id: chat, conversationType: "personal", tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: "en-US",
    ...fields,
  });
  const channel = (from: TeamsUser, team: string, channelId: string, fields: Record<string, unknown>) => ({
    ...personal(from, fields),
    conversation: { id: channelId, conversationType: "channel", isGroup: true, tenantId: TENANT },
    channelData: {
      tenant: { id: TENANT },
      team: { id: team, name: "Prairie Valley leadership" },
      channel: { id: channelId },
    },
  });
  return {
    service,
    dataFile: local.dataFile,
    fake,
    base,
    send,
    personal,
    channel,
    async install(from) {
      await send(personal(from, { type: "installationUpdate", action: "add" }));
      await send(personal(from, { type: "conversationUpdate", membersAdded: [BOT] }));
    },
    async installInTeam(by, team) {
      const added = channel(by, team, team, { type: "conversationUpdate", membersAdded: [BOT] });
      await send({
        ...added,
        channelData: { tenant: { id: TENANT }, team: { id: team }, eventType: "teamMemberAdded" },
      });
    },
    async at(iso) {
      await service.time.set!(new Date(iso));
      return service.engine.runOnce(new Date(iso));
    },
    async close() {
      await local.close();
      await fake.close();
    },
  };
}

type Json = Record<string, unknown>;

/** Every text of a card (TextBlocks, facts, button titles), markdown escapes removed. */
export function cardText(activity: PostedActivity | undefined): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Json;
    if (n.type === "TextBlock" && typeof n.text === "string") out.push(n.text);
    if (typeof n.title === "string" && typeof n.value === "string") out.push(`${n.title}: ${n.value}`);
    if (typeof n.type === "string" && n.type.startsWith("Action.") && typeof n.title === "string")
      out.push(`[${n.title}]`);
    Object.values(n).forEach(walk);
  };
  walk(FakeConnector.cardOf(activity));
  return out.join("\n").replace(/\\(.)/g, "$1");
}

/** The data of each Action.Submit in a card, in order. */
export function submitsOf(activity: PostedActivity | undefined): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Json;
    if (n.type === "Action.Submit") out.push(n.data as Json);
    Object.values(n).forEach(walk);
  };
  walk(FakeConnector.cardOf(activity));
  return out;
}

/** The inputs of a form card by id. */
export function inputsOf(activity: PostedActivity | undefined): Map<string, Json> {
  const body = (FakeConnector.cardOf(activity)?.body as Json[] | undefined) ?? [];
  return new Map(body.filter((e) => String(e.type).startsWith("Input.")).map((e) => [String(e.id), e]));
}
