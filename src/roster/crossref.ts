import type { Path, PathIssue } from "./issues.js";
import { buildLookup, type Lookup } from "./lookup.js";
import { type ResolvedGroup, resolveGroup } from "./members.js";
import { emailKey, list, obj, str, strings } from "./raw.js";
import { isTimeOfDay, toLocalDate } from "./schema.js";

// Checks that look across fields and entries: duplicates, references between districts, buildings,
// people and groups, and the order of dates and times. They read the file as parsed, so they run
// even when some fields failed the schema (those fields are skipped here, the schema reports them).

export interface CrossrefResult {
  issues: PathIssue[];
  warnings: PathIssue[];
  /** By index in `coaching`, for every group that resolved cleanly. */
  groups: Map<number, ResolvedGroup>;
}

export function crossCheck(data: unknown, lineOf: (path: Path) => number | null): CrossrefResult {
  const root = obj(data);
  const lookup = buildLookup(data);
  const out: CrossrefResult = { issues: [], warnings: [], groups: new Map() };
  const unique = (what: string, fix: string) => duplicateFinder(what, fix, lineOf, out.issues);

  const districtIds = unique("district id", "Give each district its own id");
  const buildingIds = unique(
    "building id",
    "Give each building its own id (ids are unique across districts)",
  );
  list(root.districts).forEach((d, di) => {
    const at: Path = ["districts", di];
    districtIds(str(obj(d).id), [...at, "id"]);
    for (const [bi, b] of list(obj(d).buildings).entries()) {
      buildingIds(str(obj(b).id), [...at, "buildings", bi, "id"]);
    }
    checkCalendar(obj(d), at, out);
    for (const [fi, f] of strings(obj(obj(d).cst).facilitators).entries()) {
      checkFacilitator(f, [...at, "cst", "facilitators", fi], lookup, out.issues);
    }
  });

  const emails = unique("e-mail address", "Remove one of the two entries (upper/lower case does not matter)");
  list(root.people).forEach((p, pi) => {
    emails(emailKey(obj(p).email), ["people", pi, "email"]);
    checkPlace(obj(p), ["people", pi], lookup, out.issues);
  });

  const groupIds = unique("coaching group id", "Give each coaching group its own id");
  list(root.coaching).forEach((g, gi) => {
    groupIds(str(obj(g).id), ["coaching", gi, "id"]);
    const { issues, group } = resolveGroup(g, ["coaching", gi], lookup);
    out.issues.push(...issues);
    if (group) out.groups.set(gi, group);
  });
  return out;
}

/** Reports the second and later uses of a key, naming the line of the first. */
function duplicateFinder(
  what: string,
  fix: string,
  lineOf: (path: Path) => number | null,
  issues: PathIssue[],
) {
  const first = new Map<string, Path>();
  return (key: string | undefined, path: Path) => {
    if (key === undefined) return;
    const earlier = first.get(key);
    if (!earlier) return void first.set(key, path);
    const line = lineOf(earlier);
    issues.push({
      path,
      message: `the ${what} "${key}" is used twice${line ? ` (first on line ${line})` : ""}`,
      fix,
    });
  };
}

function checkCalendar(d: Record<string, unknown>, at: Path, out: CrossrefResult): void {
  const hours = obj(d.workHours);
  if (isTimeOfDay(hours.start) && isTimeOfDay(hours.end) && hours.start >= hours.end) {
    out.issues.push({
      path: [...at, "workHours", "end"],
      message: `the working day ends (${hours.end}) before it starts (${hours.start})`,
      fix: 'Use 24-hour times, e.g. start: "07:30", end: "16:00"',
    });
  }
  const cal = obj(d.calendar);
  const first = toLocalDate(cal.firstDay);
  const last = toLocalDate(cal.lastDay);
  if (first && last && last < first) {
    out.issues.push({
      path: [...at, "calendar", "lastDay"],
      message: `the last day of school (${last}) is before the first day (${first})`,
      fix: "Check the years: lastDay is the end of the school year that starts on firstDay",
    });
  }
  list(cal.noSchool).forEach((item, i) => {
    const path: Path = [...at, "calendar", "noSchool", i];
    const range = item instanceof Date || typeof item === "string" ? { from: item, to: item } : obj(item);
    const from = toLocalDate(range.from);
    const to = toLocalDate(range.to);
    if (from && to && to < from) {
      out.issues.push({
        path: [...path, "to"],
        message: `this break ends (${to}) before it starts (${from})`,
        fix: "Swap from and to, or check the years",
      });
    } else if (from && to && first && last && (to < first || from > last)) {
      out.warnings.push({
        path,
        message: `${from === to ? from : `${from} to ${to}`} is outside the school year (${first} to ${last}), so it changes nothing`,
      });
    }
  });
}

function checkFacilitator(email: string, path: Path, lookup: Lookup, issues: PathIssue[]): void {
  const person = lookup.people.get(email.toLowerCase());
  if (!person) {
    issues.push({
      path,
      message: `no one with the e-mail ${email} is in people`,
      fix: "Add the facilitator to people with roles: [facilitator]",
    });
  } else if (!person.roles.includes("facilitator")) {
    issues.push({
      path,
      message: `${email} is listed as a CST facilitator but does not have the facilitator role`,
      fix: "Add facilitator to their roles in people",
    });
  }
}

/** A person's district and building exist and agree; only facilitator-only people may lack a district. */
function checkPlace(p: Record<string, unknown>, at: Path, lookup: Lookup, issues: PathIssue[]): void {
  const districtId = str(p.district);
  const buildingId = str(p.building);
  const known = [...lookup.districts.keys()].join(", ");
  if (districtId && !lookup.districts.has(districtId)) {
    issues.push({
      path: [...at, "district"],
      message: `there is no district "${districtId}" in districts`,
      fix: `Use one of: ${known}`,
    });
  }
  const roles = strings(p.roles);
  if (!districtId && Array.isArray(p.roles) && roles.length && roles.some((r) => r !== "facilitator")) {
    issues.push({
      path: [...at, "district"],
      message: "this person has no district; only people whose one role is facilitator may have none",
      fix: `Add their district (one of: ${known})`,
    });
  }
  if (!buildingId) return;
  const building = lookup.buildings.get(buildingId);
  const buildingsOf = (id: string) =>
    [...lookup.buildings]
      .filter(([, b]) => b.districtId === id)
      .map(([bid]) => bid)
      .join(", ") || "none listed";
  if (!building) {
    issues.push({
      path: [...at, "building"],
      message: `there is no building "${buildingId}" in districts`,
      fix:
        districtId && lookup.districts.has(districtId)
          ? `Use one of: ${buildingsOf(districtId)}`
          : "Check the spelling",
    });
  } else if (districtId && lookup.districts.has(districtId) && building.districtId !== districtId) {
    issues.push({
      path: [...at, "building"],
      message: `the building "${buildingId}" belongs to district "${building.districtId}", not "${districtId}"`,
      fix: `Use a building of ${districtId} (${buildingsOf(districtId)}), or correct the district`,
    });
  } else if (!districtId) {
    issues.push({
      path: [...at, "building"],
      message: "a building is given but no district",
      fix: "Add the district, or remove the building",
    });
  }
}
