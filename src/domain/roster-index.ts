import type { Building, CoachingGroup, District, Person, Role, Roster } from "./model.js";

/** Look-ups over one roster snapshot, built once per snapshot. */
export class RosterIndex {
  private readonly people = new Map<string, Person>();
  private readonly districts = new Map<string, District>();
  private readonly buildings = new Map<string, Building>();
  private readonly groups = new Map<string, CoachingGroup>();
  private readonly groupsByPerson = new Map<string, CoachingGroup[]>();
  private readonly platformIds = new Map<string, string>();

  constructor(readonly roster: Roster) {
    for (const d of roster.districts) {
      this.districts.set(d.id, d);
      for (const b of d.buildings) this.buildings.set(b.id, b);
    }
    for (const p of roster.people) {
      this.people.set(p.id, p);
      if (p.slackId) this.platformIds.set(`slack:${p.slackId}`, p.id);
      if (p.teamsId) this.platformIds.set(`teams:${p.teamsId}`, p.id);
    }
    for (const g of roster.groups) {
      this.groups.set(g.id, g);
      for (const id of new Set(g.sides.flat())) {
        const list = this.groupsByPerson.get(id) ?? [];
        list.push(g);
        this.groupsByPerson.set(id, list);
      }
    }
  }

  person(id: string): Person | undefined {
    return this.people.get(id.toLowerCase());
  }
  district(id: string): District | undefined {
    return this.districts.get(id);
  }
  building(id: string): Building | undefined {
    return this.buildings.get(id);
  }
  group(id: string): CoachingGroup | undefined {
    return this.groups.get(id);
  }
  groupsOf(personId: string): CoachingGroup[] {
    return this.groupsByPerson.get(personId) ?? [];
  }
  /** Districts whose cycles may involve the person (team-to-team groups can cross districts). */
  cycleDistrictsOf(personId: string): string[] {
    return [...new Set(this.groupsOf(personId).map((g) => g.districtId))];
  }
  byPlatformId(platform: "slack" | "teams", externalId: string): Person | undefined {
    const id = this.platformIds.get(`${platform}:${externalId}`);
    return id ? this.people.get(id) : undefined;
  }
  hasRole(personId: string, role: Role): boolean {
    return this.person(personId)?.roles.includes(role) ?? false;
  }
  /** The districts a facilitator serves (from each district's cst.facilitators). */
  districtsServedBy(personId: string): District[] {
    return this.roster.districts.filter((d) => d.cst.facilitators.includes(personId));
  }
  name(personId: string): string {
    return this.person(personId)?.name ?? "someone no longer in the roster";
  }
}
