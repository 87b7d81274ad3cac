import express, { type Router } from "express";
import { z } from "zod";
import type { LinkSigner } from "../links.js";
import type { WorkflowDeps } from "../workflows/deps.js";
import { observationInvitation } from "../workflows/invitation.js";

export const CALENDAR_PATH = "/calendar/observation.ics";

const Params = z.object({ district: z.string().min(1), cycle: z.string().min(1), person: z.string().min(1) });

/** The signed .ics link from a confirmation: only a partner of that cycle, only before it expires. */
export function calendarRoutes(deps: WorkflowDeps, links: LinkSigner, now: () => Promise<Date>): Router {
  const r = express.Router();
  r.get(CALENDAR_PATH, async (req, res) => {
    const at = await now();
    const checked = links.verify(CALENDAR_PATH, req.query as Record<string, unknown>, at.getTime());
    if (!checked.ok) {
      res
        .status(checked.reason === "expired" ? 410 : 403)
        .type("text/plain")
        .send(
          checked.reason === "expired"
            ? "This calendar link has expired. Ask the bot for `status` to get a fresh one."
            : "This link is not valid.",
        );
      return;
    }
    const p = Params.parse(checked.params);
    const cycle = await deps.store.getCycle(p.district, p.cycle);
    if (!cycle?.scheduledAt || (cycle.observerId !== p.person && cycle.observedId !== p.person)) {
      res.status(404).type("text/plain").send("That observation is not scheduled any more.");
      return;
    }
    res
      .type("text/calendar; charset=utf-8")
      .set("Content-Disposition", `attachment; filename="observation-${cycle.id}.ics"`)
      .send(observationInvitation(await deps.roster(), cycle, p.person, at));
  });
  return r;
}
