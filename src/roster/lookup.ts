import { emailKey, list, obj, str, strings } from "./raw.js";

/** What cross-reference checks look things up in. First occurrences win; duplicates are reported separately. */
export interface Lookup {
  districts: Map<string, number>;
  buildings: Map<string, { districtId: string }>;
  /** By lower-cased e-mail. */
  people: Map<string, { index: number; districtId?: string; roles: string[] }>;
  /** District -> collaborative team -> person ids, in roster order. */
  teams: Map<string, Map<string, string[]>>;
}

export function buildLookup(data: unknown): Lookup {
  const root = obj(data);
  const lookup: Lookup = { districts: new Map(), buildings: new Map(), people: new Map(), teams: new Map() };
  list(root.districts).forEach((d, di) => {
    const id = str(obj(d).id);
    if (!id) return;
    if (!lookup.districts.has(id)) lookup.districts.set(id, di);
    for (const b of list(obj(d).buildings)) {
      const bid = str(obj(b).id);
      if (bid && !lookup.buildings.has(bid)) lookup.buildings.set(bid, { districtId: id });
    }
  });
  list(root.people).forEach((p, index) => {
    const person = obj(p);
    const id = emailKey(person.email);
    if (!id || lookup.people.has(id)) return;
    const districtId = str(person.district);
    lookup.people.set(id, { index, districtId, roles: strings(person.roles) });
    if (!districtId) return;
    const teams = lookup.teams.get(districtId) ?? new Map<string, string[]>();
    lookup.teams.set(districtId, teams);
    for (const team of strings(person.teams)) teams.set(team, [...(teams.get(team) ?? []), id]);
  });
  return lookup;
}
