import express, { type ErrorRequestHandler, type Express } from "express";
import type { Logger } from "../log.js";

/**
 * The one express app every route mounts on. Platform routes (/slack/events, /api/messages)
 * add their own body parsing because Slack verifies signatures over the raw body.
 */
export function createHttpApp(): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  return app;
}

/** Last handler: a bad request gets a short JSON error, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status =
      typeof err?.status === "number" && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500)
      logger.error({ err: { message: err?.message, code: err?.code }, path: req.path }, "request failed");
    if (res.headersSent) return;
    const message =
      err?.type === "entity.parse.failed"
        ? "the request body is not valid JSON"
        : err?.type === "entity.too.large"
          ? "the request body is too large"
          : status >= 500
            ? "internal error"
            : String(err?.message ?? "bad request");
    res.status(status).json({ ok: false, error: message });
  };
}
