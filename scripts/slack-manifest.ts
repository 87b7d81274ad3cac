// Prints the Slack app manifest for this deployment, ready to paste into "Create New App > From
// an app manifest" at api.slack.com/apps: every URL on PUBLIC_URL.
//
//   PUBLIC_URL=https://coachbot.example.org npx tsx scripts/slack-manifest.ts [--socket-mode]
import { slackManifest } from "../adapters/slack/manifest.js";

const publicUrl = process.env.PUBLIC_URL ?? "";
if (!URL.canParse(publicUrl) || !/^https:\/\//.test(publicUrl)) {
  console.error(
    `slack-manifest: PUBLIC_URL must be the https address Slack can reach (got ${JSON.stringify(publicUrl)}).\n` +
      "  fix: PUBLIC_URL=https://coachbot.example.org npx tsx scripts/slack-manifest.ts",
  );
  process.exit(2);
}
const socketMode = process.argv.includes("--socket-mode");
console.log(JSON.stringify(slackManifest(publicUrl, { socketMode }), null, 2));
