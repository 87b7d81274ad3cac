import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { DASHBOARD_PATH, type DashboardView, resolveView } from "../workflows/dashboard.js";
import { aggregateCsv, aggregateData, FilterError, selfCsv, selfData } from "../workflows/dashboard-data.js";
import type { WorkflowDeps } from "../workflows/deps.js";

// The dashboard: a static page, its JSON and its CSV export, all behind the signed link the bot
// sends (`dashboard`). Every request re-checks the link and the person's access in the roster.

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.js");

// No inline script, nothing from elsewhere but the list of Teams domains TeamsJS reads; framing only
// by Teams (the dashboard is also a Teams tab).
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self' https://res.cdn.office.net; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self' teams.microsoft.com *.teams.microsoft.com " +
    "*.skype.com *.office.com *.microsoft365.com *.cloud.microsoft",
  "X-Content-Type-Options": "nosniff",
  // The link is the credential: it must not leak to another site in a Referer header.
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const SIGNED = ["person", "scope", "exp", "sig"] as const;
const Filters = z.object({
  district: z.string().max(64).optional(),
  building: z.string().max(64).optional(),
  practice: z.string().max(80).optional(),
});

type Refusal = { status: 403 | 410; title: string; text: string };

const REFUSALS = {
  missing: {
    status: 403,
    title: "Open your dashboard from the coaching bot",
    text: "Type “dashboard” in your chat with the coaching bot: it sends you a personal link that works for an hour.",
  },
  expired: {
    status: 410,
    title: "This dashboard link has expired",
    text: "Dashboard links work for an hour. Type “dashboard” in your chat with the coaching bot for a fresh one.",
  },
  invalid: {
    status: 403,
    title: "This dashboard link is not valid",
    text: "It may have been changed or copied incompletely. Type “dashboard” in your chat with the coaching bot for a new link.",
  },
  forbidden: {
    status: 403,
    title: "This view is not available to you",
    text: "Your role doesn't include this part of the dashboard. Type “dashboard” in your chat with the coaching bot for a link to yours.",
  },
} as const satisfies Record<string, Refusal>;

const htmlText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function refusalPage(r: Refusal): string {
  return `<!doctype html>
<html lang="en" data-theme="default">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${htmlText(r.title)}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/dashboard/static/dashboard.css" />
    <script type="module" src="/teams/tab.js"></script>
  </head>
  <body>
    <main class="refusal" data-testid="refusal">
      <h1>${htmlText(r.title)}</h1>
      <p>${htmlText(r.text)}</p>
    </main>
  </body>
</html>
`;
}

/** The view the request's link opens, or null after answering with the refusal (page, JSON or text). */
async function authorise(
  deps: WorkflowDeps,
  now: () => Promise<Date>,
  req: Request,
  res: Response,
  as: "page" | "json" | "text",
): Promise<DashboardView | null> {
  const signed = Object.fromEntries(SIGNED.map((k) => [k, req.query[k]]));
  const checked = deps.links.verify(DASHBOARD_PATH, signed, (await now()).getTime());
  const view = checked.ok
    ? resolveView(await deps.roster(), checked.params.person ?? "", checked.params.scope ?? "")
    : null;
  if (view) return view;
  const refusal: Refusal = checked.ok
    ? REFUSALS.forbidden
    : signed.sig === undefined
      ? REFUSALS.missing
      : REFUSALS[checked.reason];
  res.status(refusal.status).set(PAGE_HEADERS);
  if (as === "page") res.type("html").send(refusalPage(refusal));
  else if (as === "json") res.json({ ok: false, error: refusal.title, fix: refusal.text });
  else res.type("text/plain").send(`${refusal.title}. ${refusal.text}\n`);
  return null;
}

function filters(req: Request, res: Response) {
  const parsed = Filters.safeParse(req.query);
  if (!parsed.success) res.status(400).json({ ok: false, error: "invalid filter" });
  return parsed.success ? parsed.data : null;
}

export function dashboardRoutes(deps: WorkflowDeps, now: () => Promise<Date>): Router {
  const r = express.Router();

  r.get(DASHBOARD_PATH, async (req, res) => {
    if (!(await authorise(deps, now, req, res, "page"))) return;
    res.set(PAGE_HEADERS).sendFile("dashboard.html", { root: PUBLIC_DIR });
  });

  r.get(`${DASHBOARD_PATH}/data.json`, async (req, res) => {
    const view = await authorise(deps, now, req, res, "json");
    const f = view && filters(req, res);
    if (!view || !f) return;
    res.set(PAGE_HEADERS);
    try {
      const at = await now();
      res.json(
        view.kind === "self"
          ? await selfData(deps, view.personId, at)
          : await aggregateData(deps, view, f, at),
      );
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      res.status(400).json({ ok: false, error: e.message });
    }
  });

  r.get(`${DASHBOARD_PATH}/export.csv`, async (req, res) => {
    const view = await authorise(deps, now, req, res, "text");
    const f = view && filters(req, res);
    if (!view || !f) return;
    try {
      const csv =
        view.kind === "self"
          ? await selfCsv(deps, view.personId)
          : await aggregateCsv(deps, view, f, await now());
      res
        .set({ ...PAGE_HEADERS, "Content-Disposition": 'attachment; filename="coaching-dashboard.csv"' })
        .type("text/csv; charset=utf-8")
        .send(csv);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      res.status(400).type("text/plain").send(`${e.message}\n`);
    }
  });

  r.get(`${DASHBOARD_PATH}/static/chart.umd.js`, (_req, res) => {
    res.set(PAGE_HEADERS).type("text/javascript").sendFile(CHART_JS);
  });
  r.use(
    `${DASHBOARD_PATH}/static`,
    express.static(PUBLIC_DIR, { index: false, setHeaders: (res) => res.set(PAGE_HEADERS) }),
  );
  return r;
}
