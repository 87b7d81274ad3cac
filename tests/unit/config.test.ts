import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.js";

const opts = { cwd: "/srv/coachbot", exists: () => false };

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("runs the local demo with nothing configured: SQLite, demo roster, manual clock, local chat", () => {
    const c = parseConfig({}, opts);
    expect(c.port).toBe(3978);
    expect(c.redis).toBeUndefined();
    expect(c.dataDir).toBe("/srv/coachbot/data");
    expect(c.rosterFile).toBeUndefined();
    expect(c.clock).toBe("manual");
    expect(c.localChat).toBe(true);
    expect(c.scheduler).toBe(true);
    expect(c.publicUrl).toBe("http://localhost:3978");
    expect(c.privacyMinGroup).toBe(5);
  });

  it("uses ./roster.yaml when it exists and ROSTER_FILE is unset", () => {
    const c = parseConfig({}, { cwd: "/x", exists: (p) => p === "/x/roster.yaml" });
    expect(c.rosterFile).toBe("/x/roster.yaml");
    expect(c.rosterFileExplicit).toBe(false);
  });

  it("names the variable, the bad value and a fix", () => {
    const msg = problems({ PORT: "eighty" });
    expect(msg).toMatch(/^PORT must be a whole number from 0 to 65535 \(got "eighty"\)\. Fix: set PORT=3978/);
  });

  it("lists every bad variable, one per line", () => {
    const msg = problems({ PORT: "-1", REDIS_URL: "localhost:6379", LOG_LEVEL: "loud" });
    const lines = msg.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(" ")[0])).toEqual(["PORT", "REDIS_URL", "LOG_LEVEL"]);
  });

  it("never echoes a secret back", () => {
    const msg = problems({ SLACK_BOT_TOKEN: "xoxp-secret-user-token-123456" });
    expect(msg).toContain("SLACK_BOT_TOKEN must be a bot token starting with xoxb-");
    expect(msg).not.toContain("secret-user-token");
  });

  it("requires the signing secret with a Slack token", () => {
    expect(problems({ SLACK_BOT_TOKEN: "xoxb-1" })).toMatch(/^SLACK_SIGNING_SECRET is required/);
  });

  it("requires the three OAuth variables together", () => {
    expect(problems({ SLACK_SIGNING_SECRET: "s", SLACK_CLIENT_ID: "1" })).toMatch(/go together/);
  });

  it("requires SLACK_TOKEN_KEY with OAuth, 32 bytes per key, and never echoes it", () => {
    const oauth = {
      SLACK_SIGNING_SECRET: "s",
      SLACK_CLIENT_ID: "1",
      SLACK_CLIENT_SECRET: "c",
      SLACK_STATE_SECRET: "st",
    };
    expect(problems(oauth)).toMatch(/SLACK_TOKEN_KEY is required with OAuth.*openssl rand -base64 32/);
    const short = "c2hvcnQta2V5LXNob3J0LWtleQ==";
    const message = problems({ ...oauth, SLACK_TOKEN_KEY: short });
    expect(message).toMatch(/SLACK_TOKEN_KEY each key must be 32 bytes/);
    expect(message).not.toContain(short.slice(5));
    const a = Buffer.alloc(32, 1).toString("base64");
    const b = Buffer.alloc(32, 2).toString("base64");
    const keys = parseConfig({ ...oauth, SLACK_TOKEN_KEY: `${a}, ${b}` }, opts).slack?.oauth?.tokenKeys;
    expect(keys?.map((k) => k[0])).toEqual([1, 2]);
  });

  it("configures single-workspace Slack and turns the local chat off", () => {
    const c = parseConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }, opts);
    expect(c.slack?.botToken).toBe("xoxb-1");
    expect(c.localChat).toBe(false);
    expect(c.clock).toBe("system");
  });

  it("refuses production without a Teams app id when Teams is half configured", () => {
    const msg = problems({
      NODE_ENV: "production",
      MicrosoftAppPassword: "p",
      DASHBOARD_SECRET: "x".repeat(32),
    });
    expect(msg).toMatch(/^MicrosoftAppId is empty, which turns off Bot Framework authentication/);
  });

  it("does not mount an unauthenticated Teams endpoint in production", () => {
    const c = parseConfig(
      {
        NODE_ENV: "production",
        DASHBOARD_SECRET: "x".repeat(32),
        SLACK_BOT_TOKEN: "xoxb-1",
        SLACK_SIGNING_SECRET: "s",
      },
      opts,
    );
    expect(c.teams).toBeUndefined();
    expect(c.localChat).toBe(false);
  });

  it("refuses the local web chat (anyone can act as anyone) in production", () => {
    expect(problems({ NODE_ENV: "production", DASHBOARD_SECRET: "x".repeat(32) })).toMatch(
      /^SLACK_BOT_TOKEN and the Teams variables are unset, so only the local web chat would run/,
    );
    expect(
      problems({
        NODE_ENV: "production",
        DASHBOARD_SECRET: "x".repeat(32),
        SLACK_BOT_TOKEN: "xoxb-1",
        SLACK_SIGNING_SECRET: "s",
        LOCAL_CHAT: "1",
      }),
    ).toMatch(/^LOCAL_CHAT turns on the local web chat, where anyone can act as anyone/);
  });

  it("refuses CLOCK=manual and a missing DASHBOARD_SECRET in production", () => {
    const msg = problems({ NODE_ENV: "production", CLOCK: "manual" });
    expect(msg).toMatch(/CLOCK is manual/);
    expect(msg).toMatch(/DASHBOARD_SECRET is required/);
  });

  it("requires the tenant for a managed-identity bot too (botbuilder asserts it at start)", () => {
    const msg = problems({ MicrosoftAppId: "id", MicrosoftAppType: "UserAssignedMSI" });
    expect(msg).toMatch(/^MicrosoftAppTenantId is required when MicrosoftAppType=UserAssignedMSI/);
  });

  it("requires the tenant for a single-tenant bot", () => {
    const msg = problems({
      MicrosoftAppId: "id",
      MicrosoftAppPassword: "p",
      MicrosoftAppType: "SingleTenant",
    });
    expect(msg).toMatch(/^MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant/);
  });
});
