import type { Path, PathIssue } from "./issues.js";
import type { Lookup } from "./lookup.js";
import { list, obj, str } from "./raw.js";

// Coaching group members -> the two sides of the group. A member is an e-mail, `team:<team>` (that
// collaborative team in the group's district), `team:<district>/<team>`, or (team-to-team) a list.

export interface ResolvedGroup {
  districtId: string;
  sides: [string[], string[]];
}

type Ref = { path: Path; text: string } & ({ team: string; district?: string } | { email: string });
/** A resolved reference: who it names and in which district. */
type Named = { ref: Ref; ids: string[]; districtId?: string };

const FIX_STRUCTURE = "Or pick the structure that fits: peer-to-peer, peer-to-team or team-to-team";

/** A member as written: one reference, or (team-to-team) a list of them; null when not text. */
type Member = Ref | Ref[] | null;

export function resolveGroup(
  raw: unknown,
  path: Path,
  lookup: Lookup,
): { issues: PathIssue[]; group?: ResolvedGroup } {
  const g = obj(raw);
  const at = [...path, "members"];
  const members: Member[] = list(g.members).map((m, j) =>
    Array.isArray(m) ? m.flatMap((x, k) => refOf(x, [...at, j, k]) ?? []) : (refOf(m, [...at, j]) ?? null),
  );
  const refs = members.flat().filter((r): r is Ref => r !== null);
  const home = homeDistrict(refs, lookup);
  const issues: PathIssue[] = [];
  const named = new Map<Ref, Named>();
  for (const ref of refs) {
    const n = resolveRef(ref, home, lookup, issues);
    if (n) named.set(ref, n);
  }
  const idsOf = (...ms: Member[]) => [
    ...new Set(ms.flat().flatMap((r) => (r ? (named.get(r)?.ids ?? []) : []))),
  ];

  const structure = str(g.structure);
  const shaped = structure === "peer-to-peer" || structure === "peer-to-team" || structure === "team-to-team";
  const sides = shaped ? SHAPES[structure](members, idsOf, at, issues) : undefined;
  if (shaped && structure !== "team-to-team" && home) issues.push(...outsideHome([...named.values()], home));

  if (issues.length || !sides || !sides[0].length || !sides[1].length) return { issues };
  const districtId = lookup.people.get(sides[0][0]!)?.districtId;
  if (!districtId)
    return { issues: [{ path: [...at, 0], message: "the group's first member has no district" }] };
  return { issues, group: { districtId, sides } };
}

type Shape = (
  members: Member[],
  idsOf: (...ms: Member[]) => string[],
  at: Path,
  issues: PathIssue[],
) => [string[], string[]] | undefined;

const isPerson = (m: Member): m is Ref & { email: string } => m !== null && !Array.isArray(m) && "email" in m;

/** Each structure's rule for which members make up its two sides. */
const SHAPES: Record<"peer-to-peer" | "peer-to-team" | "team-to-team", Shape> = {
  "peer-to-peer": (members, idsOf, at, issues) => {
    const [a, b] = members;
    const notPerson = members.findIndex((m) => !isPerson(m));
    if (members.length !== 2) {
      const message = `a peer-to-peer group pairs exactly two people; this one lists ${members.length}`;
      issues.push({ path: at, message, fix: `List two e-mail addresses. ${FIX_STRUCTURE}` });
    } else if (notPerson >= 0) {
      const fix = "Write an e-mail address here, or use structure: peer-to-team";
      issues.push({
        path: [...at, notPerson],
        message: "a peer-to-peer group pairs two people, not teams",
        fix,
      });
    } else if (isPerson(a!) && isPerson(b!) && a.email === b.email) {
      issues.push({
        path: [...at, 1],
        message: "the same person is listed twice",
        fix: "List two different people",
      });
    } else {
      return [idsOf(a!), idsOf(b!)];
    }
    return undefined;
  },
  "peer-to-team": (members, idsOf, at, issues) => {
    const [peer = null, ...team] = members;
    if (!isPerson(peer) || team.length === 0) {
      const message = "a peer-to-team group lists the peer first (an e-mail address), then the team";
      issues.push({ path: at, message, fix: "e.g. members: [ana@school.example.org, team:grade7-math]" });
      return undefined;
    }
    const [peerId] = idsOf(peer);
    const others = idsOf(...team).filter((id) => id !== peerId);
    if (peerId && !others.length && !issues.length) {
      const fix = "Add team members or a team: reference";
      issues.push({ path: at, message: "the team side has no one in it besides the peer", fix });
    }
    return [idsOf(peer), others];
  },
  "team-to-team": (members, idsOf, at, issues) => {
    const person = members.findIndex(isPerson);
    if (members.length !== 2) {
      const message = `a team-to-team group has exactly two teams; this one lists ${members.length}`;
      issues.push({ path: at, message, fix: "e.g. members: [team:grade6-ela, team:grade7-ela]" });
    } else if (person >= 0) {
      const fix = "Write team:<team id>, or a list of e-mail addresses in [ ]";
      issues.push({ path: [...at, person], message: "each side of a team-to-team group is a team", fix });
    } else {
      const sides: [string[], string[]] = [idsOf(members[0]!), idsOf(members[1]!)];
      const both = sides[0].find((id) => sides[1].includes(id));
      if (both)
        issues.push({
          path: at,
          message: `${both} is on both sides`,
          fix: "Each person belongs to one side only",
        });
      return sides;
    }
    return undefined;
  },
};

/** Only team-to-team groups may span districts: every member elsewhere is a problem. */
function outsideHome(named: Named[], home: string): PathIssue[] {
  return named.flatMap(({ ref, districtId }): PathIssue[] => {
    if (districtId && districtId !== home) {
      const message = `${ref.text} is in district "${districtId}", but this group belongs to "${home}" (its first member's district)`;
      return [{ path: ref.path, message, fix: "Only team-to-team groups may span districts" }];
    }
    if (!districtId && "email" in ref) {
      const message = `${ref.text} has no district, so cannot be in this group`;
      return [{ path: ref.path, message, fix: "Coaching group members need a district" }];
    }
    return [];
  });
}

function refOf(v: unknown, path: Path): Ref | undefined {
  const text = str(v);
  if (!text) return undefined;
  if (!text.toLowerCase().startsWith("team:")) return { path, text, email: text.toLowerCase() };
  const [first, second] = text.slice(5).trim().split("/", 2);
  return second === undefined ? { path, text, team: first! } : { path, text, district: first!, team: second };
}

/** The district of the first member who is a known person with one. */
function homeDistrict(refs: Ref[], lookup: Lookup): string | undefined {
  for (const r of refs) {
    const districtId = "email" in r ? lookup.people.get(r.email)?.districtId : undefined;
    if (districtId) return districtId;
  }
  return undefined;
}

function resolveRef(
  ref: Ref,
  home: string | undefined,
  lookup: Lookup,
  issues: PathIssue[],
): Named | undefined {
  if ("email" in ref) {
    const person = lookup.people.get(ref.email);
    if (person) return { ref, ids: [ref.email], districtId: person.districtId };
    issues.push({
      path: ref.path,
      message: `no one with the e-mail ${ref.text} is in people`,
      fix: "Check the spelling, or add them to people",
    });
    return undefined;
  }
  const holders = [...lookup.teams].filter(([, teams]) => teams.has(ref.team)).map(([d]) => d);
  // Without a person to say which district, an unqualified team is the one district that has it.
  const districtId = ref.district ?? home ?? (holders.length === 1 ? holders[0] : undefined);
  if (ref.district && !lookup.districts.has(ref.district)) {
    issues.push({
      path: ref.path,
      message: `${ref.text} names the district "${ref.district}", which is not in districts`,
      fix: `Use one of: ${[...lookup.districts.keys()].join(", ")}`,
    });
    return undefined;
  }
  const ids = districtId ? lookup.teams.get(districtId)?.get(ref.team) : undefined;
  if (ids) return { ref, ids, districtId };
  if (!districtId && holders.length > 1) {
    issues.push({
      path: ref.path,
      message: `the team "${ref.team}" exists in several districts (${holders.join(", ")})`,
      fix: `Say which: team:<district>/${ref.team}`,
    });
    return undefined;
  }
  const where = districtId ? ` in district "${districtId}"` : "";
  const fix = holders.length
    ? `That team exists in ${holders.join(", ")}: write team:${holders[0]}/${ref.team}`
    : `Check the spelling, or add "${ref.team}" to the teams of its members in people`;
  issues.push({ path: ref.path, message: `no one${where} is on the team "${ref.team}"`, fix });
  return undefined;
}
