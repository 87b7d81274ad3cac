import { fileURLToPath } from "node:url";
import express, { type ErrorRequestHandler, type Response } from "express";
import { z } from "zod";
import type { Person } from "../../src/domain/model.js";
import type { Actor, Inbound, Reply } from "../../src/ui/model.js";
import type { LocalInbox } from "./inbox.js";

export interface LocalChatDeps {
  handle(inbound: Inbound): Promise<Reply>;
  people(): Promise<Person[]>;
  inbox: LocalInbox;
  now(): Promise<Date>;
  /** Moves the service clock to `to` and runs the scheduler there. */
  timeTravel(to: Date): Promise<{ now: string; delivered: number }>;
}

// Resolved next to this module so it works from source and from a build copy that includes public/.
const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));

// The page loads nothing from elsewhere and runs no inline script: injected markup could not run.
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

const As = z.string().trim().min(1).max(320);
const Context = z.string().max(4000);
const schemas = {
  as: z.object({ as: As }),
  command: z.object({ as: As, text: z.string().trim().min(1, "type a command").max(2000) }),
  action: z.object({ as: As, action: z.string().min(1).max(200), context: Context }),
  submit: z.object({
    as: As,
    form: z.string().min(1).max(200),
    context: Context,
    values: z.record(z.string(), z.unknown()),
  }),
  timeTravel: z.object({
    to: z.iso.datetime({ offset: true, message: "an ISO instant, e.g. 2026-09-01T12:45:00Z" }),
  }),
};

/** The local web chat: its JSON API and the page that is its client. */
export function localChatRouter(deps: LocalChatDeps): express.Router {
  const router = express.Router();
  const stamp = async () => (await deps.now()).toISOString();
  const actorFor = async (as: string): Promise<Actor> => {
    const known = (await deps.people()).some((p) => p.id === as);
    return { platform: "local", externalId: as, personId: known ? as : null };
  };
  const appendReply = async (as: string, reply: Reply) => {
    for (const message of reply.messages)
      await deps.inbox.append(as, { from: "bot", message, at: await stamp() });
  };

  router.get("/", (_req, res) => {
    res.set(PAGE_HEADERS).sendFile("index.html", { root: PUBLIC_DIR });
  });
  router.use(
    "/local/static",
    express.static(PUBLIC_DIR, { index: false, setHeaders: (res) => res.set(PAGE_HEADERS) }),
  );
  router.use("/local/api", express.json({ limit: "64kb" }));

  router.get("/local/api/people", async (_req, res) => {
    const people = (await deps.people()).map(({ id, name, roles, districtId, buildingId }) => ({
      id,
      name,
      roles,
      districtId,
      buildingId,
    }));
    res.json({ people, channels: await deps.inbox.channels() });
  });

  router.get("/local/api/conversation", async (req, res) => {
    const query = valid(schemas.as, req.query, res);
    if (!query) return;
    const known =
      (await deps.people()).some((p) => p.id === query.as) ||
      (await deps.inbox.channels()).includes(query.as);
    if (!known) {
      res.status(404).json({ ok: false, error: `no one called "${query.as}" is on the roster` });
      return;
    }
    res.json({ now: await stamp(), entries: await deps.inbox.list(query.as) });
  });

  router.post("/local/api/command", async (req, res) => {
    const body = valid(schemas.command, req.body, res);
    if (!body) return;
    const actor = await actorFor(body.as);
    await deps.inbox.append(body.as, { from: "you", text: body.text, at: await stamp() });
    const reply = await deps.handle({ kind: "command", actor, text: body.text });
    await appendReply(body.as, reply);
    res.json({ ok: true, reply });
  });

  router.post("/local/api/action", async (req, res) => {
    const body = valid(schemas.action, req.body, res);
    if (!body) return;
    const { as, action, context } = body;
    const reply = await deps.handle({ kind: "action", actor: await actorFor(as), action, context });
    await appendReply(as, reply);
    res.json({ ok: true, reply });
  });

  router.post("/local/api/submit", async (req, res) => {
    const body = valid(schemas.submit, req.body, res);
    if (!body) return;
    const { as, form, context, values } = body;
    const reply = await deps.handle({ kind: "submit", actor: await actorFor(as), form, context, values });
    if (reply.errors) {
      // Refused: nothing was written, so nothing joins the conversation; the form stays open.
      res.status(422).json({ ok: false, errors: reply.errors, warnings: reply.warnings, form: reply.form });
      return;
    }
    await appendReply(as, reply);
    res.json({ ok: true, reply });
  });

  router.get("/local/api/clock", async (_req, res) => {
    res.json({ now: await stamp() });
  });

  router.post("/local/api/time-travel", async (req, res) => {
    const body = valid(schemas.timeTravel, req.body, res);
    if (!body) return;
    res.json({ ok: true, ...(await deps.timeTravel(new Date(body.to))) });
  });

  router.use("/local/api", bodyErrors);
  return router;
}

/** The parsed input, or undefined after answering 400 with each offending field named. */
function valid<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  if (input === undefined) {
    res.status(400).json({ ok: false, error: "send a JSON body (Content-Type: application/json)" });
    return undefined;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join(".") || "body"] ??= issue.message;
  res.status(400).json({ ok: false, error: `invalid ${Object.keys(fields).join(", ")}`, fields });
  return undefined;
}

/** express.json's refusals as short JSON answers; anything else goes on to the app's error handler. */
const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (err?.type === "entity.parse.failed") {
    res.status(400).json({ ok: false, error: "the request body is not valid JSON" });
  } else if (err?.type === "entity.too.large") {
    res.status(413).json({ ok: false, error: "the request body is larger than 64kb" });
  } else {
    next(err);
  }
};
