import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BOT_SCOPES, MANIFEST_PLACEHOLDER_URL, slackManifest } from "../../../adapters/slack/manifest.js";

const ROOT = join(import.meta.dirname, "../../..");
const URL_BASE = "https://coach.district.example";

describe("the Slack app manifest", () => {
  const m = slackManifest(`${URL_BASE}/`);

  it("asks only for the scopes the adapter uses", () => {
    // chat.postMessage/update, /coach, message.im, conversations.open, users.info, users.lookupByEmail,
    // and conversations.history (DMs and leadership channels) to find a message sent before a crash
    expect([...m.oauth_config.scopes.bot].sort()).toEqual(
      [
        "channels:history",
        "chat:write",
        "commands",
        "groups:history",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
      ].sort(),
    );
    expect(BOT_SCOPES).toEqual(m.oauth_config.scopes.bot);
  });

  it("declares /coach, interactivity, the events handled and App Home with its Messages tab", () => {
    expect(m.features.slash_commands).toEqual([
      expect.objectContaining({ command: "/coach", url: `${URL_BASE}/slack/events` }),
    ]);
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: `${URL_BASE}/slack/events` });
    expect(m.settings.event_subscriptions.request_url).toBe(`${URL_BASE}/slack/events`);
    expect([...m.settings.event_subscriptions.bot_events].sort()).toEqual(
      ["app_home_opened", "app_uninstalled", "message.im", "tokens_revoked"].sort(),
    );
    expect(m.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(m.oauth_config.redirect_urls).toEqual([`${URL_BASE}/slack/oauth_redirect`]);
    expect(m.settings.socket_mode_enabled).toBe(false);
  });

  it("stays within Slack's manifest limits", () => {
    expect(m.display_information.name.length).toBeLessThanOrEqual(35);
    expect(m.display_information.description.length).toBeLessThanOrEqual(140);
    expect(m.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    for (const c of m.features.slash_commands) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
    expect(JSON.stringify(m)).not.toContain(MANIFEST_PLACEHOLDER_URL);
  });

  it("leaves the request URLs out for Socket Mode", () => {
    const socket = slackManifest(URL_BASE, { socketMode: true });
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket.settings)).not.toContain("request_url");
    expect(socket.features.slash_commands[0]).not.toHaveProperty("url");
  });

  it("is printed by scripts/slack-manifest.ts for PUBLIC_URL", async () => {
    const { stdout } = await promisify(execFile)(
      join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/slack-manifest.ts"],
      {
        cwd: ROOT,
        env: { ...process.env, PUBLIC_URL: URL_BASE },
      },
    );
    expect(JSON.parse(stdout)).toEqual(slackManifest(URL_BASE));
  });
});
