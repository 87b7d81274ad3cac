import { createHmac, timingSafeEqual } from "node:crypto";
import { parse as parseForm } from "node:querystring";
import {
  App,
  type Authorize,
  type Logger as BoltLogger,
  ExpressReceiver,
  type InstallationStore,
  SocketModeReceiver,
  type webApi,
} from "@slack/bolt";
// Bolt's own answers to Slack's SSL check and URL verification, which its package index does not
// re-export; run here because this route replaces the receiver's (see createTransport).
import { respondToSslCheck, respondToUrlVerification } from "@slack/bolt/dist/receivers/ExpressReceiver.js";
import express, { type RequestHandler, type Router } from "express";
import { z } from "zod";
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
  // Nothing uses Bolt's conversation store (context.conversation); its in-memory default costs a
  // look-up and a thrown "Conversation not found" on every request.
  const app = new App({ receiver, logger, clientOptions, convoStore: false, ...tokens });
  const router = express.Router();
  // POST /slack/events is answered here, in full: checked once (signature, timestamp, size,
  // shape), parsed once, then handed to the receiver's request handler (Bolt's ack and dispatch).
  // The receiver's own POST /slack/events route (which would verify and parse a second time) is
  // never reached for that path; it keeps its signature check all the same. The receiver's router
  // serves the OAuth pages.
  router.post(
    EVENTS_PATH,
    ...checkSlackRequest(config.signingSecret),
    respondToSslCheck,
    respondToUrlVerification,
    (req, res, next) => {
      receiver.requestHandler(req, res).catch(next);
    },
  );
  router.use(receiver.router);
  return { app, router };
}

/** Slack's payloads are small; anything larger is refused before it is read further. */
const BODY_LIMIT = "512kb";

/**
 * The one check of a Slack delivery, before Bolt: the signature, and the timestamp in BOTH
 * directions (Bolt refuses only old ones; a captured request replayed against a skewed clock
 * could be dated ahead). The body is parsed once, as Bolt parses it (a form, its `payload` JSON,
 * or JSON), and left as `req.body`; a signed body that cannot be a Slack delivery is answered 400
 * at once, instead of waiting out Bolt's 3-second unhandled-request timeout.
 */
export function checkSlackRequest(signingSecret: string): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit: BODY_LIMIT }),
    (req, res, next) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const ts = Number(req.get("x-slack-request-timestamp"));
      const signature = req.get("x-slack-signature") ?? "";
      if (
        !Number.isFinite(ts) ||
        Math.abs(Date.now() / 1000 - ts) > MAX_SKEW_S ||
        !signedBy(signingSecret, ts, raw, signature)
      ) {
        res.status(401).send();
        return;
      }
      const body = routable(raw.toString("utf8"), req.get("content-type") ?? "");
      if (body === undefined) {
        res.status(400).json({ ok: false, error: "not a Slack event, command or interaction" });
        return;
      }
      req.body = body;
      next();
    },
  ];
}

function signedBy(secret: string, ts: number, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${ts}:`).update(body).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// The least a delivery must carry for Bolt to route it to a listener that answers at once;
// anything else would hang for Bolt's unhandled-request timeout or trip Bolt on a missing field.
// Bolt classifies an interaction by which fields it has, in this order: options (`name`),
// actions (`actions`), then the `type` of a shortcut or a view; the checks follow the same order.
const user = z.object({ id: z.string() });
const EventEnvelope = z.union([
  z.object({ type: z.literal("url_verification"), challenge: z.string() }),
  z.object({ type: z.literal("event_callback"), event: z.object({ type: z.string() }) }),
  z.object({ type: z.literal("app_rate_limited") }),
]);
const Actions = z.object({ user, actions: z.array(z.object({ action_id: z.string().min(1) })).min(1) });
const Interaction = z.union([
  z.object({
    type: z.literal("view_submission"),
    user,
    view: z.object({
      callback_id: z.string(),
      private_metadata: z.string().optional(),
      state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({}).loose())) }),
    }),
  }),
  z.object({ type: z.literal("view_closed"), user, view: z.object({ callback_id: z.string() }) }),
  z.object({ type: z.literal("shortcut"), callback_id: z.string() }),
]);
const Command = z.object({ command: z.string(), user_id: z.string().optional() });

/**
 * The body as Bolt would parse it, when Bolt could route it (an event envelope, a slash command,
 * an interaction, or Slack's SSL check); undefined when not.
 */
function routable(text: string, contentType: string): object | undefined {
  if (contentType.split(";", 1)[0]!.trim().toLowerCase() === "application/x-www-form-urlencoded") {
    // node:querystring, as Bolt: a repeated field is an array, which no check below accepts.
    const form = parseForm(text);
    if (typeof form.ssl_check === "string" && form.ssl_check !== "") return form;
    if (!("payload" in form)) return Command.safeParse(form).success ? form : undefined;
    const payload = typeof form.payload === "string" ? parseJson(form.payload) : undefined;
    if (typeof payload !== "object" || payload === null || "name" in payload || "event" in payload)
      return undefined;
    const ok =
      "actions" in payload ? Actions.safeParse(payload).success : Interaction.safeParse(payload).success;
    return ok ? payload : undefined;
  }
  const envelope = parseJson(text);
  return EventEnvelope.safeParse(envelope).success ? (envelope as object) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
