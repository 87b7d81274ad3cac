import {
  App,
  type Authorize,
  type Logger as BoltLogger,
  ExpressReceiver,
  type InstallationStore,
  SocketModeReceiver,
  type webApi,
} from "@slack/bolt";
import express, { type RequestHandler, type Router } from "express";
import type { SlackConfig } from "../../src/config.js";
import { CoachbotError } from "../../src/errors.js";
import { BOT_SCOPES } from "./manifest.js";

// Transport only: how Slack's requests reach Bolt (HTTP on the shared express app, or Socket
// Mode) and the install pages. Every handler lives in handlers.ts.

export const EVENTS_PATH = "/slack/events";
const REDIRECT_PATH = "/slack/oauth_redirect";
/** Slack's own window for a request timestamp, in seconds, either side of now. */
const MAX_SKEW_S = 5 * 60;

export interface Transport {
  app: App;
  router: Router;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface TransportDeps {
  publicUrl: string;
  logger: BoltLogger;
  clientOptions: webApi.WebClientOptions;
  /** SLACK_BOT_TOKEN: tokens for the one workspace. */
  authorize?: Authorize<boolean>;
  /** OAuth: where installations are kept. */
  installationStore?: InstallationStore;
}

export function createTransport(config: SlackConfig, deps: TransportDeps): Transport {
  const { logger, clientOptions } = deps;
  const tokens = deps.authorize ? { authorize: deps.authorize } : {};
  if (config.appToken) {
    if (config.oauth) {
      throw new CoachbotError(
        "CONFIG_INVALID",
        "SLACK_APP_TOKEN (Socket Mode) is for one workspace with SLACK_BOT_TOKEN; OAuth installs need the HTTP endpoints",
        "unset SLACK_APP_TOKEN, or unset SLACK_CLIENT_ID/SECRET/STATE_SECRET and set SLACK_BOT_TOKEN",
      );
    }
    const receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions },
    });
    const app = new App({ receiver, logger, clientOptions, ...tokens });
    return {
      app,
      router: express.Router(),
      start: async () => void (await app.start()),
      stop: async () => void (await app.stop()),
    };
  }

  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    logger,
    endpoints: EVENTS_PATH,
    // Acknowledge first, work after: Slack's 3 s window is for the acknowledgement only.
    processBeforeResponse: false,
    ...(config.oauth
      ? {
          ...config.oauth,
          scopes: BOT_SCOPES,
          installationStore: deps.installationStore,
          redirectUri: `${deps.publicUrl}${REDIRECT_PATH}`,
          installerOptions: { directInstall: true, redirectUriPath: REDIRECT_PATH, clientOptions },
        }
      : {}),
  });
  const app = new App({ receiver, logger, clientOptions, ...tokens });
  const router = express.Router();
  router.post(EVENTS_PATH, rejectFutureTimestamps);
  router.use(receiver.router);
  return { app, router };
}

/**
 * Bolt refuses requests signed more than 5 minutes ago but not ones dated in the future, which
 * a captured request replayed against a skewed clock could be. Refused here before Bolt reads
 * the body; a missing or unreadable timestamp is left to Bolt, which refuses it too.
 */
export const rejectFutureTimestamps: RequestHandler = (req, res, next) => {
  const ts = Number(req.get("x-slack-request-timestamp"));
  if (Number.isFinite(ts) && ts > Date.now() / 1000 + MAX_SKEW_S) {
    res.status(401).send();
    return;
  }
  next();
};
