import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll } from "vitest";
import { parseConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import { type Service, startService } from "../../../src/main.js";
import type { NewOutboxEntry } from "../../../src/store/port.js";
import { openSqliteStore } from "../../../src/store/sqlite.js";
import type { Message } from "../../../src/ui/model.js";
import { dmChannel, FakeSlack, type FakeUser, type FakeWorkspace } from "../../fixtures/fake-slack.js";
import { button, type Json } from "./payloads.js";

// The real service (SQLite file, demo roster, manual clock, no scheduler) talking to a fake Slack.

export const DEMO_TEAM = "T0DEMO";
export const DEMO_TOKEN = "xoxb-demo-workspace";

/** Demo-roster people as Slack users: the roster's own `slack` ids where it has them. */
export const USERS = {
  ethan: { id: "U0CBEMARS", email: "ethan.marsh@cedarbluff.example.org" }, // no slack id in the roster
  yolanda: { id: "U0CBYPIER", email: "yolanda.pierce@cedarbluff.example.org" }, // no slack id in the roster
  gary: { id: "U0CBGLIND", email: "gary.lindqvist@cedarbluff.example.org" }, // district + building admin
  denise: { id: "U0RPDCDWH", email: "denise.whitfield@rpdc.example.org" }, // CST facilitator
  stranger: { id: "U0STRANGE", email: "visitor@elsewhere.example.org" }, // not in the roster
} satisfies Record<string, FakeUser>;

export interface SlackService {
  service: Service;
  /** The SQLite file behind the service (for tests that look at every byte written). */
  dataFile: string;
  fake: FakeSlack;
  base: string;
  /** Moves the service clock and runs the scheduler there, then delivers until the outbox is empty. */
  at(iso: string): Promise<void>;
  /** Delivers what is pending (retries included) until nothing is left, or `ms` passes. */
  drain(ms?: number): Promise<void>;
  /** Puts a message in a district's outbox as a workflow would; a string is a one-line message keyed by itself. */
  enqueue(districtId: string, to: NewOutboxEntry["to"], message: Message | string): Promise<void>;
  close(): Promise<void>;
}

async function startSlackService(opts: {
  start: string;
  fake: FakeSlack;
  env: Record<string, string>;
}): Promise<SlackService> {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-slack-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const seed = openSqliteStore(join(dataDir, "coachbot.db"));
  await seed.putDoc("clock", "now", { at: new Date(opts.start).toISOString() });
  await seed.close();
  const config = parseConfig(
    {
      DATA_DIR: dataDir,
      PORT: "0",
      CLOCK: "manual",
      SCHEDULER: "off",
      LOG_LEVEL: "silent",
      PUBLIC_URL: "https://coachbot.test",
      SLACK_SIGNING_SECRET: opts.fake.signingSecret,
      SLACK_API_URL: opts.fake.apiUrl,
      ...opts.env,
    },
    { cwd: dir, exists: existsSync },
  );
  const service = await startService(config, createLogger("silent"));
  const base = `http://127.0.0.1:${service.port}`;
  opts.fake.appUrl = base;

  const drain = async (ms = 8_000) => {
    const until = Date.now() + ms;
    for (;;) {
      await service.engine.runOnce(await service.time.now());
      if ((await service.store.outboxCounts()).pending === 0 || Date.now() > until) return;
      await delay(100);
    }
  };
  return {
    service,
    dataFile: join(dataDir, "coachbot.db"),
    fake: opts.fake,
    base,
    async at(iso) {
      await service.time.set!(new Date(iso));
      await drain();
    },
    drain,
    async enqueue(districtId, to, message) {
      const m: Message =
        typeof message === "string"
          ? { key: message, summary: message, blocks: [{ kind: "text", text: message }] }
          : message;
      await service.store.apply({
        districtId,
        outbox: [{ key: m.key, districtId, to, message: m, notBeforeMs: 0 }],
      });
    },
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sunday evening before the first school week of the tests: prompts are seeded for Monday. */
const SUNDAY = "2026-09-13T23:00:00Z";

export interface Testbed {
  slack: SlackService;
  fake: FakeSlack;
}

/**
 * A fake Slack with these workspaces and the service on it, for one test file: started before its
 * tests (the clock at Sunday evening, then moved to `at` if given), stopped after them. Without
 * `env`, the service runs on the first workspace's bot token.
 */
export function slackTestbed(opts: {
  workspaces: (Partial<FakeWorkspace> & { teamId: string; token: string })[];
  env?: Record<string, string>;
  /** Where to move the clock (and run the scheduler) before the tests. */
  at?: string;
}): Testbed {
  const bed = {} as Testbed;
  beforeAll(async () => {
    bed.fake = await FakeSlack.start();
    for (const w of opts.workspaces) bed.fake.addWorkspace(w);
    const env = opts.env ?? { SLACK_BOT_TOKEN: opts.workspaces[0]!.token };
    bed.slack = await startSlackService({ start: SUNDAY, fake: bed.fake, env });
    if (opts.at) await bed.slack.at(opts.at);
  });
  afterAll(async () => {
    await bed.slack?.close();
    await bed.fake?.close();
  });
  return bed;
}

/** The service on bot token DEMO_TOKEN of workspace DEMO_TEAM, where these people are. */
export function demoTestbed(
  users: FakeUser[],
  opts: { channels?: FakeWorkspace["channels"]; at?: string } = {},
): Testbed {
  const workspace = {
    teamId: DEMO_TEAM,
    token: DEMO_TOKEN,
    users,
    ...(opts.channels ? { channels: opts.channels } : {}),
  };
  return slackTestbed({ workspaces: [workspace], ...(opts.at ? { at: opts.at } : {}) });
}

/** Does `act` (a click, a command) and answers with the modal it opened. */
export async function modalOpenedBy(fake: FakeSlack, act: () => Promise<unknown>): Promise<Json> {
  const before = fake.callsTo("views.open").length;
  await act();
  await eventually(() => fake.callsTo("views.open").length > before);
  return fake.callsTo("views.open").at(-1)!.args.view as Json;
}

/** Clicks a button of a message in the person's DM with the bot. */
export function clickInDm(
  fake: FakeSlack,
  teamId: string,
  user: { id: string },
  message: Json | undefined,
  actionId: string,
) {
  return fake.click(teamId, user.id, button(message, actionId), {
    channel: dmChannel(user.id),
    ts: String(message?.ts),
  });
}

/** Polls until `check` returns something truthy (work after Slack's ack runs in the background). */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`still not true after ${ms} ms: ${check.toString()}`);
    await delay(25);
  }
}
