import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { CloudAdapter } from "botbuilder";
import express from "express";
import { z } from "zod";
import type { CoachBot } from "./bot.js";

// Resolved next to this module so it works from source and from a build copy that includes tab/.
const TAB_DIR = fileURLToPath(new URL("./tab/", import.meta.url));
const TEAMS_JS = createRequire(import.meta.url).resolve("@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js");

const ASSETS = ["tab.js", "tab-config.js", "tab.css"];

/** Activities are a few KB; a submitted form with its longest answers stays far below this. */
const BODY_LIMIT = "256kb";

/**
 * Tabs are framed by Teams (desktop, web, the Microsoft 365 app and Outlook); nothing else may
 * frame them. TeamsJS fetches its current list of Teams origins from res.cdn.office.net (it
 * falls back to a built-in list when it cannot).
 */
const TAB_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self' https://res.cdn.office.net; base-uri 'none'; " +
    "frame-ancestors 'self' teams.microsoft.com *.teams.microsoft.com *.skype.com *.office.com *.microsoft365.com *.cloud.microsoft",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

/**
 * POST /api/messages (the Bot Framework endpoint; botbuilder checks the token unless the app id
 * is empty) and the tab's assets: /teams/tab.js (a module a page includes to follow the Teams
 * theme), /teams/teams-js.js (the TeamsJS SDK) and /teams/tab-config (the channel tab's setup page).
 * A body that is not JSON is refused by the app's error handler (400, no stack trace).
 */
export function teamsRouter(
  cloud: CloudAdapter,
  bot: CoachBot,
  publicUrl: string,
  authenticated: boolean,
): express.Router {
  const router = express.Router();
  // Without an app id botbuilder checks no token (the local Agents Playground's mode): then only
  // this machine may talk to the endpoint, or anyone who reached the port could act as anyone.
  if (!authenticated) router.post("/api/messages", loopbackOnly);
  router.post("/api/messages", express.json({ limit: BODY_LIMIT }), checkActivity, async (req, res) => {
    await cloud.process(req, res, (context) => bot.run(context));
  });

  // Read on first use, so a build that left tab/ out fails this page only, not the service.
  let configPage: string | undefined;
  router.get("/teams/tab-config", (_req, res) => {
    configPage ??= readFileSync(`${TAB_DIR}tab-config.html`, "utf8").replace(
      "{{PUBLIC_URL}}",
      escapeAttribute(publicUrl),
    );
    res.set(TAB_HEADERS).type("html").send(configPage);
  });
  router.get("/teams/teams-js.js", (_req, res) => {
    res.set(TAB_HEADERS).sendFile(TEAMS_JS);
  });
  for (const asset of ASSETS) {
    router.get(`/teams/${asset}`, (_req, res) => {
      res.set(TAB_HEADERS).sendFile(asset, { root: TAB_DIR });
    });
  }
  return router;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

const loopbackOnly: express.RequestHandler = (req, res, next) => {
  if (LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    next();
    return;
  }
  res
    .status(403)
    .json({ ok: false, error: "set MicrosoftAppId to accept Teams traffic from other machines" });
};

// The fields botbuilder reads without checking: an activity without them would throw inside the
// turn (a 500), so it is refused up front, before any token check or handler runs.
const Activity = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: z.object({ id: z.string().min(1).max(512) }).loose(),
    from: z.object({ id: z.string().min(1).max(512) }).loose(),
  })
  .loose();

const checkActivity: express.RequestHandler = (req, res, next) => {
  const parsed = Activity.safeParse(req.body);
  // Cards use Action.Submit (a message) and the app has no messaging extension or sign-in, so
  // Teams sends this bot no invoke; botbuilder would answer one with 501.
  if (parsed.success && parsed.data.type === "invoke") {
    res.status(400).json({ ok: false, error: "this bot handles no invoke activities" });
    return;
  }
  if (parsed.success) {
    next();
    return;
  }
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "body"))];
  res.status(400).json({ ok: false, error: `not a Bot Framework activity: check ${fields.join(", ")}` });
};
