import { mergeRanges } from "../domain/calendar.js";
import { parseObserveEvery } from "../domain/groups.js";
import type { CoachingGroup, DateRange, District, Person, Roster } from "../domain/model.js";
import type { ResolvedGroup } from "./members.js";
import { canonicalPractice, type RosterFile } from "./schema.js";

/** The checked file as the model's Roster: ids lower-cased, single days as ranges, ICS dates merged in. */
export function toRoster(
  file: RosterFile,
  groups: Map<number, ResolvedGroup>,
  icsRanges: Map<number, DateRange[]>,
): Roster {
  const districts = file.districts.map((d, di): District => {
    const { calendar: cal } = d;
    const listed = cal.noSchool.map((n) => (typeof n === "string" ? { from: n, to: n } : n));
    return {
      id: d.id,
      name: d.name,
      timezone: d.timezone,
      workHours: d.workHours,
      calendar: {
        firstDay: cal.firstDay,
        lastDay: cal.lastDay,
        noSchool: mergeRanges([...listed, ...(icsRanges.get(di) ?? [])]),
      },
      ...(d.leadershipChannel && { leadershipChannel: d.leadershipChannel }),
      cst: { facilitators: d.cst.facilitators.map(personId), contactEveryDays: d.cst.contactEveryDays },
      ...(d.digests && { digests: d.digests }),
      buildings: d.buildings.map((b) => ({
        id: b.id,
        name: b.name,
        districtId: d.id,
        ...(b.leadershipChannel && { leadershipChannel: b.leadershipChannel }),
        ...(b.digest && { digest: b.digest }),
      })),
    };
  });
  const people = file.people.map(
    (p): Person => ({
      id: personId(p.email),
      email: p.email.trim(),
      name: p.name,
      ...(p.district && { districtId: p.district }),
      ...(p.building && { buildingId: p.building }),
      roles: [...new Set(p.roles)],
      teams: [...new Set(p.teams)],
      ...(p.slack && { slackId: p.slack }),
      ...(p.teamsId && { teamsId: p.teamsId }),
    }),
  );
  const coaching = file.coaching.map((g, gi): CoachingGroup => {
    const resolved = groups.get(gi);
    // Callers only build a roster from a file without issues, where every group resolved.
    if (!resolved) throw new Error(`coaching group ${g.id} was not resolved`);
    return {
      id: g.id,
      structure: g.structure,
      districtId: resolved.districtId,
      sides: resolved.sides,
      focus: canonicalPractice(g.focus)!,
      observeEveryDays: parseObserveEvery(g.observeEvery)!,
    };
  });
  return { districts, people, groups: coaching };
}

const personId = (email: string) => email.trim().toLowerCase();
