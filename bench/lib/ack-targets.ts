// The processes of bench/ack.ts, one per process (`node --import tsx ack-targets.ts NAME`):
//
//   fakes       tests/fixtures/fake-slack.ts (the Slack Web API and response_url) and
//               tests/fixtures/fake-connector.ts (the Bot Framework connector), on loopback, in a
//               process of their own so that the platforms' side of each call is charged to no app
//   ours-slack  the real service (tests/helpers/local-service.ts: SQLite, demo roster) with Slack
//               configured against the fakes process, a cycle open for Ethan
//   bare-slack  a Bolt app (ExpressReceiver, the same @slack/bolt) whose handlers only ack()
//   ours-teams  the real service with Teams (tests/integration/teams/harness.ts: empty app id),
//               Emily's personal chat installed
//   bare-teams  a botbuilder CloudAdapter (empty app id) echo bot
//
// Each sends its parent { ready, ... } over IPC. Request templates are requests exactly as the test
// fakes build them: captured from FakeSlack's own fetch (a click on the prompt's "Pick a time", and
// `/coach status`), or the Teams harness's activity. The parent varies the id dedupe keys on
// (trigger id / activity id) per request and signs. "settle" waits until the fakes have been quiet
// for half a second (the work Slack handlers do after the ack).

import type { Server } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import express from "express";
import { FakeConnector } from "../../tests/fixtures/fake-connector.js";
import { FakeSlack } from "../../tests/fixtures/fake-slack.js";
import { startLocalService } from "../../tests/helpers/local-service.js";
import { DEMO_TEAM, DEMO_TOKEN, USERS as SLACK_USERS } from "../../tests/integration/slack/harness.js";
import { button } from "../../tests/integration/slack/payloads.js";
import { startTeamsService, USERS as TEAMS_USERS } from "../../tests/integration/teams/harness.js";

export interface CapturedRequest {
  path: string;
  contentType: string;
  body: string;
  /** The unique id inside the body that dedupe keys on (trigger_id / activity id), to vary. */
  id: string;
}

export interface FakesReady {
  ready: true;
  slackApiUrl: string;
  connectorUrl: string;
  signingSecret: string;
}

export interface TargetReady {
  ready: true;
  url: string;
  /** Teams targets: the message activity to send (its serviceUrl is the fakes' connector). */
  templates: Record<string, CapturedRequest>;
}

/** Sunday evening before the first school week (the Slack harness's start), then Monday 07:45 Cedar Bluff. */
const SUNDAY = "2026-09-13T23:00:00Z";
const MONDAY = "2026-09-14T12:45:00Z";
const SIGNING_SECRET = "bench-signing-secret";

const name = process.argv[2];
let calls = () => 0;
let close: () => Promise<void> = async () => {};
let onCommand: (m: Record<string, unknown>) => Promise<void> = async () => {};

async function fakes(): Promise<FakesReady> {
  const slack = await FakeSlack.start(SIGNING_SECRET);
  const { ethan, yolanda } = SLACK_USERS;
  slack.addWorkspace({ teamId: DEMO_TEAM, token: DEMO_TOKEN, users: [ethan, yolanda] });
  const connector = await new FakeConnector().start();
  // The test fakes keep every call for assertions; over 20 s at thousands of requests a second
  // that is memory this process would carry. They are dropped every second, keeping a count.
  let dropped = 0;
  setInterval(() => {
    dropped += slack.calls.length + connector.calls.length;
    slack.calls.length = 0;
    connector.calls.length = 0;
    connector.conversations.clear();
  }, 1000).unref();
  calls = () => dropped + slack.calls.length + connector.calls.length;
  onCommand = async (m) => {
    if (m.cmd !== "capture-slack") return;
    // The app is up and Ethan has his prompt (sent through this fake): capture a click on its
    // "Pick a time" and a `/coach status`, as FakeSlack sends them.
    slack.appUrl = String(m.appUrl);
    const prompt = slack.channel(`D${ethan.id}`).at(-1);
    if (!prompt) throw new Error("fakes: Ethan was not prompted");
    const templates = {
      action: await capture(() =>
        slack.click(DEMO_TEAM, ethan.id, button(prompt, "obs.pick-time"), {
          channel: `D${ethan.id}`,
          ts: String(prompt.ts),
        }),
      ),
      command: await capture(() => slack.slashCommand(DEMO_TEAM, ethan.id, "status")),
      // A link button (its URL opens in the browser): acknowledged, and nothing else to do.
      link: await capture(() =>
        slack.click(
          DEMO_TEAM,
          ethan.id,
          { action_id: "link.bench" },
          { channel: `D${ethan.id}`, ts: String(prompt.ts) },
        ),
      ),
    };
    process.send!({ captured: templates });
  };
  close = async () => {
    await slack.close();
    await connector.close();
  };
  return {
    ready: true,
    slackApiUrl: slack.apiUrl,
    connectorUrl: connector.url,
    signingSecret: slack.signingSecret,
  };
}

async function oursSlack(): Promise<TargetReady> {
  const local = await startLocalService(SUNDAY, {
    PUBLIC_URL: "https://coachbot.test",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: process.env.FAKE_SLACK_API_URL!,
    SLACK_BOT_TOKEN: DEMO_TOKEN,
  });
  // Monday 07:45: the science peers are prompted, in Ethan's DM (on the fakes process).
  await local.service.time.set!(new Date(MONDAY));
  await local.service.engine.runOnce(new Date(MONDAY));
  close = () => local.close();
  return { ready: true, url: local.base, templates: {} };
}

async function bareSlack(): Promise<TargetReady> {
  const receiver = new ExpressReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: "/slack/events",
    processBeforeResponse: false,
  });
  const app = new App({
    receiver,
    token: DEMO_TOKEN,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.FAKE_SLACK_API_URL! },
  });
  app.action(/.+/, async ({ ack }) => ack());
  app.command("/coach", async ({ ack }) => ack());
  return listenOn(receiver.app, {});
}

async function oursTeams(): Promise<TargetReady> {
  const t = await startTeamsService(SUNDAY);
  const { emily } = TEAMS_USERS;
  await t.install(emily);
  await t.at("2026-09-14T12:30:00Z"); // Monday 07:30 Prairie Valley: Emily is prompted
  // Replies in a turn go to the activity's serviceUrl: the fakes process's connector.
  const activity = {
    ...t.personal(emily, { type: "message", text: "status" }),
    serviceUrl: process.env.FAKE_CONNECTOR_URL!,
  };
  close = () => t.close();
  return { ready: true, url: t.base, templates: { message: teamsTemplate(activity) } };
}

async function bareTeams(): Promise<TargetReady> {
  const settings = { MicrosoftAppId: "", MicrosoftAppPassword: "", MicrosoftAppType: "MultiTenant" };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`You said: ${context.activity.text}`);
    await next();
  });
  const app = express();
  app.post("/api/messages", express.json({ limit: "256kb" }), async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  return listenOn(app, {});
}

async function listenOn(
  app: { listen(port: number, host: string): Server },
  templates: Record<string, CapturedRequest>,
): Promise<TargetReady> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { ready: true, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, templates };
}

function teamsTemplate(activity: Record<string, unknown>): CapturedRequest {
  return {
    path: "/api/messages",
    contentType: "application/json",
    body: JSON.stringify(activity),
    id: String(activity.id),
  };
}

/** The request FakeSlack sends for `act`, captured from its fetch (and sent on, so the app sees it). */
async function capture(act: () => Promise<unknown>): Promise<CapturedRequest> {
  const original = globalThis.fetch;
  let seen: CapturedRequest | undefined;
  globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === "/slack/events" && typeof init?.body === "string") {
      const headers = init.headers as Record<string, string>;
      const trigger = /trig\.\d+\.\d+/.exec(init.body)?.[0] ?? "";
      seen = { path: url.pathname, contentType: headers["content-type"] ?? "", body: init.body, id: trigger };
    }
    return original(input, init);
  };
  try {
    await act();
  } finally {
    globalThis.fetch = original;
  }
  if (!seen?.id) throw new Error("no request with a trigger id was captured");
  return seen;
}

const starters: Record<string, () => Promise<FakesReady | TargetReady>> = {
  fakes,
  "ours-slack": oursSlack,
  "bare-slack": bareSlack,
  "ours-teams": oursTeams,
  "bare-teams": bareTeams,
};
const starter = name ? starters[name] : undefined;
if (!starter) throw new Error(`unknown target ${name}`);
// Never outlive the benchmark that started this process.
process.once("disconnect", () => process.exit(0));
process.on("message", async (m: Record<string, unknown>) => {
  if (m.cmd === "settle") {
    // Quiet for 500 ms: the background work after the acks has reached the fakes.
    let last = -1;
    for (let quiet = 0; quiet < 5; ) {
      const n = calls();
      quiet = n === last ? quiet + 1 : 0;
      last = n;
      await delay(100);
    }
    process.send!({ settled: true, calls: calls(), rss: process.memoryUsage().rss });
  } else if (m.cmd === "close") {
    await close();
    process.send!({ closed: true });
    process.disconnect();
  } else {
    await onCommand(m);
  }
});
process.send!(await starter());
