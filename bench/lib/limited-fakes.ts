import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// Slack's Web API and the Bot Framework connector, as far as proactive delivery uses them, with
// the platforms' published rate limits enforced at arrival (sliding windows, exact at every edge)
// and a 429 with Retry-After beyond them. They count what they accept, per idempotency key (Slack
// message metadata) or per conversation (Teams), so a benchmark can tell lost from doubled.
//
// tests/fixtures/fake-slack.ts and fake-connector.ts are the fakes for correctness: they keep every
// call with its arguments and check every Block Kit payload and card. These keep counters only, so
// that 20,000 messages cost them little, and add the windows those have no notion of.

export interface Window {
  limit: number;
  windowMs: number;
}

/**
 * The limits the fakes enforce. Slack: chat.postMessage 1 per second per channel; the workspace
 * limit is unpublished ("several hundred per minute"): the fake uses 100 per minute, the Tier 4
 * floor the service itself assumes, so the benchmark measures the loop, not the guess.
 * Teams: "send to conversation" per bot per thread 7/1 s, 8/2 s, 60/30 s, 1800/3600 s, and 50
 * requests per second per app per tenant (learn.microsoft.com, bots/how-to/rate-limit).
 */
export const PLATFORM_LIMITS = {
  slack: {
    perChannel: [{ limit: 1, windowMs: 1_000 }],
    perWorkspace: [{ limit: 100, windowMs: 60_000 }],
  },
  teams: {
    perConversation: [
      { limit: 7, windowMs: 1_000 },
      { limit: 8, windowMs: 2_000 },
      { limit: 60, windowMs: 30_000 },
      { limit: 1800, windowMs: 3_600_000 },
    ],
    perTenant: [{ limit: 50, windowMs: 1_000 }],
  },
} satisfies Record<string, Record<string, Window[]>>;

/** Sliding-window logs per key; `admit` counts a request only when every window has room. */
export class Windows {
  private readonly logs = new Map<string, number[]>();

  /** 0 when admitted (and counted in every key), else the ms until the fullest window has room. */
  admit(keys: [string, Window[]][], now: number): number {
    let wait = 0;
    for (const [key, windows] of keys) {
      const log = this.logs.get(key) ?? [];
      for (const { limit, windowMs } of windows) {
        let inWindow = 0;
        for (let i = log.length - 1; i >= 0 && log[i]! > now - windowMs; i--) inWindow++;
        if (inWindow >= limit) wait = Math.max(wait, log[log.length - limit]! + windowMs - now);
      }
    }
    if (wait > 0) return wait;
    for (const [key, windows] of keys) {
      const log = this.logs.get(key) ?? [];
      log.push(now);
      const span = Math.max(...windows.map((w) => w.windowMs));
      while (log.length > 0 && log[0]! <= now - span) log.shift();
      this.logs.set(key, log);
    }
    return 0;
  }
}

export interface Tally {
  /** Accepted sends per counting key. */
  accepted: Map<string, number>;
  /** Refused with 429, per scope. */
  refused: Map<string, number>;
  /** Calls per API method (Slack) or route (Teams). */
  calls: Map<string, number>;
  /** First and last accepted send (epoch ms), per scope. */
  firstAt: Map<string, number>;
  lastAt: Map<string, number>;
  /** Every accepted send's time (epoch ms), per scope. */
  times: Map<string, number[]>;
}

const tally = (): Tally => ({
  accepted: new Map(),
  refused: new Map(),
  calls: new Map(),
  firstAt: new Map(),
  lastAt: new Map(),
  times: new Map(),
});

function accepted(t: Tally, scope: string, now: number): void {
  if (!t.firstAt.has(scope)) t.firstAt.set(scope, now);
  t.lastAt.set(scope, now);
  const times = t.times.get(scope) ?? [];
  times.push(now);
  t.times.set(scope, times);
}
const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => json(res, 500, { ok: false, error: String(err) }));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(payload));
}

/** A Slack workspace the fake knows: its bot token and the users it can look up. */
export interface LimitedWorkspace {
  teamId: string;
  token: string;
  /** E-mail (lower case) -> user id. */
  users: Map<string, string>;
}

export class LimitedSlack {
  readonly tally = tally();
  private readonly windows = new Windows();
  private readonly byToken = new Map<string, LimitedWorkspace>();
  /** Per channel: what conversations.history returns (ts and metadata of accepted messages). */
  private readonly history = new Map<string, { ts: string; metadata?: unknown }[]>();
  private server?: Server;
  private seq = 0;

  constructor(private readonly limits = PLATFORM_LIMITS.slack) {}

  addWorkspace(w: LimitedWorkspace): void {
    this.byToken.set(w.token, w);
  }

  async start(): Promise<string> {
    this.server = await listen((req, res) => this.serve(req, res));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await body(req);
    const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
    bump(this.tally.calls, method);
    const args = parse(raw, req.headers["content-type"]);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? String(args.token ?? "");
    const w = this.byToken.get(token);
    if (!w) return json(res, 200, { ok: false, error: "invalid_auth" });
    switch (method) {
      case "auth.test":
        return json(res, 200, {
          ok: true,
          team_id: w.teamId,
          user_id: `UBOT${w.teamId}`,
          bot_id: `B${w.teamId}`,
        });
      case "chat.postMessage":
        return this.post(res, w, args);
      case "conversations.open":
        return json(res, 200, { ok: true, channel: { id: `D${String(args.users)}` } });
      case "conversations.history": {
        const messages = [...(this.history.get(String(args.channel)) ?? [])].reverse();
        return json(res, 200, { ok: true, messages, has_more: false });
      }
      case "users.lookupByEmail": {
        const id = w.users.get(String(args.email).toLowerCase());
        return id
          ? json(res, 200, {
              ok: true,
              user: { id, team_id: w.teamId, deleted: false, profile: { email: args.email } },
            })
          : json(res, 200, { ok: false, error: "users_not_found" });
      }
      case "users.info":
        return json(res, 200, {
          ok: true,
          user: { id: args.user, team_id: w.teamId, deleted: false, profile: {} },
        });
      default:
        return json(res, 200, { ok: false, error: "unknown_method" });
    }
  }

  private post(res: ServerResponse, w: LimitedWorkspace, args: Record<string, unknown>): void {
    const channel = String(args.channel ?? "");
    const now = Date.now();
    const wait = this.windows.admit(
      [
        [`ws:${w.teamId}`, this.limits.perWorkspace],
        [`ch:${w.teamId}:${channel}`, this.limits.perChannel],
      ],
      now,
    );
    if (wait > 0) {
      bump(this.tally.refused, w.teamId);
      json(res, 429, { ok: false, error: "ratelimited" }, { "Retry-After": String(Math.ceil(wait / 1000)) });
      return;
    }
    const metadata = args.metadata as { event_payload?: { key?: string; part?: number } } | undefined;
    const key = metadata?.event_payload?.key ?? `channel:${channel}`;
    bump(this.tally.accepted, `${key}#${metadata?.event_payload?.part ?? 0}`);
    accepted(this.tally, w.teamId, now);
    const ts = `${Math.floor(now / 1000)}.${String(++this.seq).padStart(6, "0")}`;
    const list = this.history.get(channel) ?? [];
    list.push({ ts, ...(metadata ? { metadata } : {}) });
    this.history.set(channel, list);
    json(res, 200, { ok: true, channel, ts });
  }
}

/** A Teams tenant's conversations are "a:<tenant>:<n>": the fake reads the tenant from the id. */
export const teamsConversationId = (tenant: string, n: number) => `a:${tenant}:${n}`;

export class LimitedConnector {
  readonly tally = tally();
  private readonly windows = new Windows();
  private server?: Server;
  private nextId = 1;

  constructor(private readonly limits = PLATFORM_LIMITS.teams) {}

  async start(): Promise<string> {
    this.server = await listen((req, res) => this.serve(req, res));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await body(req);
    const parts = (req.url ?? "").split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
    const route = `${req.method} /${parts.slice(0, 2).join("/")}${parts[3] ? `/{id}/${parts[3]}` : ""}`;
    bump(this.tally.calls, route);
    if (parts[0] !== "v3" || parts[1] !== "conversations")
      return json(res, 404, { error: { code: "NotFound" } });
    if (parts.length === 2 && req.method === "POST")
      return json(res, 201, { id: `a:created:${this.nextId++}` });
    const conversation = parts[2] ?? "";
    const tenant = conversation.split(":")[1] ?? "unknown";
    if (parts[3] !== "activities" || (req.method !== "POST" && req.method !== "PUT")) {
      return json(res, 404, { error: { code: "NotFound" } });
    }
    const now = Date.now();
    const wait = this.windows.admit(
      [
        [`tenant:${tenant}`, this.limits.perTenant],
        [`conv:${conversation}`, this.limits.perConversation],
      ],
      now,
    );
    if (wait > 0) {
      bump(this.tally.refused, tenant);
      return json(
        res,
        429,
        { error: { code: "TooManyRequests", message: "rate limited by the fake connector" } },
        { "Retry-After": String(Math.ceil(wait / 1000)) },
      );
    }
    if (req.method === "PUT") return json(res, 200, { id: parts[4] });
    bump(this.tally.accepted, conversation);
    accepted(this.tally, tenant, now);
    json(res, 201, { id: `${this.nextId++}` });
  }
}

function parse(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json"))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = key === "metadata" ? JSON.parse(value) : value;
  }
  return args;
}

/**
 * The least time the windows allow for n sends in one key, starting with the first: with a limit
 * of L per W, send k (0-based) can go no sooner than floor(k / L) * W after the first.
 */
export function minimumMs(n: number, windows: Window[]): number {
  if (n <= 0) return 0;
  return Math.max(...windows.map(({ limit, windowMs }) => Math.floor((n - 1) / limit) * windowMs));
}
