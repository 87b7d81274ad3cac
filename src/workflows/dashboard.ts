import type { Building, District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { LinkSigner } from "../links.js";
import type { Outcome, WorkflowDeps } from "./deps.js";
import { allows, districtsFor } from "./permissions.js";
import type { WorkflowModule } from "./registry.js";

// Who sees what on the dashboard, and the short-lived signed link the bot sends to open it. The
// link carries the person and the scope; the server re-checks both against the roster every time.

export const DASHBOARD_PATH = "/dashboard";
const DASHBOARD_LINK_TTL_MS = 60 * 60_000;

export type DashboardView =
  | { kind: "self"; personId: string }
  | {
      kind: "aggregate";
      personId: string;
      districts: District[];
      /** A building administrator's view stays on their building. */
      building?: Building;
      /** Districts whose CST cadence the person follows (facilitators, district administrators). */
      ledger: District[];
    };

/** The broadest view a person has: facilitator, then district, then building, else their own cycles. */
export function defaultScope(roster: RosterIndex, personId: string): string {
  const p = roster.person(personId);
  const home = roster.district(p?.districtId ?? "");
  const building = roster.building(p?.buildingId ?? "");
  if (districtsFor(roster, personId, "view:facilitator").length > 0) return "facilitator";
  if (home && allows("view:district", p, { district: home })) return `district:${home.id}`;
  if (home && building && allows("view:building", p, { district: home, building })) {
    return `building:${building.id}`;
  }
  return "self";
}

/** The view the scope gives this person, or null when the permission table does not give it to them. */
export function resolveView(roster: RosterIndex, personId: string, scope: string): DashboardView | null {
  const p = roster.person(personId);
  if (!p) return null;
  const aggregate = (districts: District[], building?: Building): DashboardView => ({
    kind: "aggregate",
    personId: p.id,
    districts,
    ...(building ? { building } : {}),
    ledger: districtsFor(roster, p.id, "command:cadence").filter((d) => districts.includes(d)),
  });
  if (scope === "self") return allows("view:self", p) ? { kind: "self", personId: p.id } : null;
  if (scope === "facilitator") {
    const served = districtsFor(roster, p.id, "view:facilitator");
    return served.length > 0 ? aggregate(served) : null;
  }
  const [kind, id = ""] = scope.split(":", 2);
  if (kind === "district") {
    const district = roster.district(id);
    return district && allows("view:district", p, { district }) ? aggregate([district]) : null;
  }
  const building = kind === "building" ? roster.building(id) : undefined;
  const district = building && roster.district(building.districtId);
  if (!building || !district) return null;
  return allows("view:building", p, { district, building }) ? aggregate([district], building) : null;
}

export function dashboardLink(links: LinkSigner, personId: string, scope: string, now: Date): string {
  return links.sign(DASHBOARD_PATH, { person: personId, scope }, now.getTime() + DASHBOARD_LINK_TTL_MS);
}

export async function dashboardCommand(deps: WorkflowDeps, personId: string, now: Date): Promise<Outcome> {
  const scope = defaultScope(await deps.roster(), personId);
  const what =
    scope === "self"
      ? "Your own coaching cycles: counts and dates, for your eyes only."
      : "Coaching in your schools: totals only, no names and nothing anyone wrote.";
  return {
    reply: {
      messages: [
        {
          key: `dashboard:${now.getTime()}`,
          summary: "Your coaching dashboard",
          blocks: [
            { kind: "text", text: `${what} The link works for an hour and only for you.` },
            {
              kind: "link",
              label: "Open the dashboard",
              url: dashboardLink(deps.links, personId, scope, now),
            },
          ],
        },
      ],
    },
  };
}

export const dashboardModule: WorkflowModule = {
  commands: {
    dashboard: {
      usage: "dashboard",
      help: "a link to your coaching dashboard (totals for leaders, your own cycles for everyone else)",
      handler: (d, p, _a, n) => dashboardCommand(d, p, n),
    },
  },
};
