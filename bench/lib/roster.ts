import {
  type Building,
  type CoachingGroup,
  DCI_PRACTICES,
  type District,
  type Person,
  type Roster,
} from "../../src/domain/model.js";

// Synthetic rosters of any size: districts of equal size, each with its buildings, educators in
// peer-to-peer pairs (one coaching group per two educators). Ids are stable, so a benchmark can
// address "educator 17 of district 3" without reading the roster back.

export interface SyntheticRoster {
  districts: number;
  /** Educators in each district (a number for all, or per district index). */
  educatorsPerDistrict: number | ((district: number) => number);
  buildingsPerDistrict: number;
  /** Group ids; default districtId-g<n>, so a district's groups (and their outbox keys) sort together. */
  groupIdOf?: (district: number, group: number) => string;
  timezone?: string;
  leadershipChannels?: boolean;
}

export const districtId = (d: number) => `d${String(d).padStart(4, "0")}`;
export const buildingId = (d: number, b: number) => `${districtId(d)}-b${b}`;
export const educatorId = (d: number, i: number) => `e${i}@${districtId(d)}.example.org`;
export const groupId = (d: number, g: number) => `${districtId(d)}-g${g}`;

/** A school year around the benchmarks' dates: 2026-08-17 to 2027-05-28, usual US breaks. */
export function calendar(): District["calendar"] {
  return {
    firstDay: "2026-08-17",
    lastDay: "2027-05-28",
    noSchool: [
      { from: "2026-09-07", to: "2026-09-07" },
      { from: "2026-11-25", to: "2026-11-27" },
      { from: "2026-12-21", to: "2027-01-01" },
      { from: "2027-03-15", to: "2027-03-19" },
    ],
  };
}

export function district(
  d: number,
  opts: Pick<SyntheticRoster, "buildingsPerDistrict" | "timezone" | "leadershipChannels">,
): District {
  const id = districtId(d);
  const buildings: Building[] = Array.from({ length: opts.buildingsPerDistrict }, (_, b) => ({
    id: buildingId(d, b),
    name: `Building ${b + 1} of district ${d + 1}`,
    districtId: id,
  }));
  return {
    id,
    name: `District ${d + 1}`,
    timezone: opts.timezone ?? "America/Chicago",
    workHours: { start: "07:30", end: "16:00" },
    calendar: calendar(),
    ...(opts.leadershipChannels ? { leadershipChannel: { slack: `C${id.toUpperCase()}` } } : {}),
    cst: { facilitators: [], contactEveryDays: 30 },
    // Digests are not what these benchmarks schedule: keep the due index to observation work.
    digests: { district: "off", buildings: "off" },
    buildings,
  };
}

export function syntheticRoster(opts: SyntheticRoster): Roster {
  const districts: District[] = [];
  const people: Person[] = [];
  const groups: CoachingGroup[] = [];
  for (let d = 0; d < opts.districts; d++) {
    const dist = district(d, opts);
    districts.push(dist);
    const size =
      typeof opts.educatorsPerDistrict === "number"
        ? opts.educatorsPerDistrict
        : opts.educatorsPerDistrict(d);
    for (let i = 0; i < size; i++) {
      const email = educatorId(d, i);
      people.push({
        id: email,
        email,
        name: `Educator ${i} D${d}`,
        districtId: dist.id,
        buildingId: buildingId(d, i % opts.buildingsPerDistrict),
        roles: [i % 10 === 0 ? "coach" : "teacher"],
        teams: [],
      });
    }
    for (let g = 0; g * 2 + 1 < size; g++) {
      groups.push({
        id: opts.groupIdOf?.(d, g) ?? groupId(d, g),
        structure: "peer-to-peer",
        districtId: dist.id,
        sides: [[educatorId(d, 2 * g)], [educatorId(d, 2 * g + 1)]],
        focus: DCI_PRACTICES[g % DCI_PRACTICES.length]!,
        observeEveryDays: 21,
      });
    }
  }
  return { districts, people, groups };
}
