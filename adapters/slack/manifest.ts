import manifest from "../../manifests/slack/manifest.json" with { type: "json" };

// manifests/slack/manifest.json is the one description of the Slack app (scopes, command,
// events, App Home); its URLs are written for this placeholder host and filled in per deployment.

export const MANIFEST_PLACEHOLDER_URL = "https://coachbot.example.org";

export type SlackManifest = typeof manifest;

/** The scopes asked for at install: the OAuth flow requests exactly what the manifest declares. */
export const BOT_SCOPES: string[] = manifest.oauth_config.scopes.bot;

/**
 * The manifest for one deployment: every URL on `publicUrl`. With Socket Mode, events and
 * clicks come over the WebSocket, so the request URLs are left out.
 */
export function slackManifest(publicUrl: string, opts: { socketMode?: boolean } = {}): SlackManifest {
  const base = publicUrl.replace(/\/+$/, "");
  const filled = JSON.parse(
    JSON.stringify(manifest).replaceAll(MANIFEST_PLACEHOLDER_URL, base),
  ) as SlackManifest;
  if (!opts.socketMode) return filled;
  const { request_url: _events, ...events } = filled.settings.event_subscriptions;
  const { request_url: _clicks, ...interactivity } = filled.settings.interactivity;
  return {
    ...filled,
    features: {
      ...filled.features,
      slash_commands: filled.features.slash_commands.map(({ url: _url, ...c }) => c),
    },
    settings: { ...filled.settings, event_subscriptions: events, interactivity, socket_mode_enabled: true },
  } as SlackManifest;
}
