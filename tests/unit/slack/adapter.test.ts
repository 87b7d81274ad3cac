import { describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../adapters/slack/index.js";
import type { AdapterContext } from "../../../adapters/types.js";
import { createLogger } from "../../../src/log.js";
import { createMetrics } from "../../../src/metrics.js";
import type { Store } from "../../../src/store/port.js";

// Which transport a Slack config gets. Nothing here talks to Slack: construction makes no call.

const ctx: AdapterContext = {
  store: {} as Store,
  logger: createLogger("silent"),
  metrics: createMetrics(),
  publicUrl: "https://coachbot.test",
  handle: async () => ({ messages: [] }),
  roster: async () => {
    throw new Error("not used");
  },
  now: async () => new Date(),
};
const routes = (router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }) =>
  router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : [],
  );

describe("createSlackAdapter", () => {
  it("with a bot token, serves POST /slack/events on the shared app and needs no start", () => {
    const adapter = createSlackAdapter({ signingSecret: "s", botToken: "xoxb-1" }, ctx);
    expect(routes(adapter.router as never)).toContain("POST /slack/events");
    expect(adapter.start).toBeUndefined();
    expect(adapter.delivery.platform).toBe("slack");
  });

  it("with an app token, uses Socket Mode: no HTTP routes, a connection to start and stop", () => {
    const adapter = createSlackAdapter({ signingSecret: "s", botToken: "xoxb-1", appToken: "xapp-1" }, ctx);
    expect(routes(adapter.router as never)).toEqual([]);
    expect(adapter.start).toBeTypeOf("function");
    expect(adapter.stop).toBeTypeOf("function");
  });

  it("refuses Socket Mode with OAuth, naming the fix", () => {
    const oauth = { clientId: "1.2", clientSecret: "c", stateSecret: "st", tokenKeys: [Buffer.alloc(32)] };
    expect(() => createSlackAdapter({ signingSecret: "s", appToken: "xapp-1", oauth }, ctx)).toThrow(
      /SLACK_APP_TOKEN \(Socket Mode\) is for one workspace/,
    );
  });
});
