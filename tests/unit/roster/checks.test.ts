import { describe, expect, it } from "vitest";
import { DCI_PRACTICES } from "../../../src/domain/model.js";
import { expectOnly, issuesOf, lineOf, parse, VALID, variant } from "./helpers.js";

describe("roster checks: the file itself", () => {
  it("accepts the valid fixture", async () => {
    expect(await issuesOf(VALID)).toEqual([]);
  });

  it("reports a YAML syntax error with its line and stops there", async () => {
    const text = variant(["    name: Hillcrest Middle School", "    name: [Hillcrest Middle School"]);
    const issues = await issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({
      file: "roster.yaml",
      field: "(syntax)",
      message: expect.stringMatching(/^YAML syntax: /),
    });
    expect(issues[0]!.line).toBeGreaterThanOrEqual(lineOf(text, "[Hillcrest Middle School"));
  });

  it("reports a key written twice as a syntax error", async () => {
    const text = variant([
      "    timezone: America/Chicago\n",
      "    timezone: America/Chicago\n    timezone: America/Denver\n",
    ]);
    const issue = (await issuesOf(text))[0]!;
    expect(issue).toMatchObject({ field: "(syntax)", line: lineOf(text, "America/Denver") });
  });

  it("reports an empty file", async () => {
    await expectOnly("", "(file)", /empty/);
  });

  it("names an unknown key, at its line, with a suggestion", async () => {
    const text = variant(["    timezone: America/Chicago", "    timeZone: America/Chicago"]);
    const issues = await issuesOf(text);
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: "districts[0].timeZone",
        line: lineOf(text, "timeZone"),
        message: 'unknown field "timeZone"',
        fix: 'Did you mean "timezone"?',
      }),
    );
    // and the real field is then missing
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: "districts[0].timezone",
        message: "timezone is required but missing",
      }),
    );
  });

  it("lists the allowed fields when an unknown key is nothing like them", async () => {
    const text = variant(["    observeEvery: 3 weeks\n", "    observeEvery: 3 weeks\n    colour: blue\n"]);
    const issue = await expectOnly(text, "coaching[0].colour", /unknown field "colour"/);
    expect(issue.fix).toBe(
      "Remove it; the fields allowed here are: id, structure, members, focus, observeEvery",
    );
    expect(issue.line).toBe(lineOf(text, "colour"));
  });

  it("reports a missing required field at its parent's line", async () => {
    const text = variant(["  - id: oakridge\n    name: Oakridge R-V\n", "  - id: oakridge\n"]);
    const issue = await expectOnly(text, "districts[1].name", /name is required/);
    expect(issue.line).toBe(lineOf(text, "- id: oakridge"));
  });

  it("reports a value of the wrong kind", async () => {
    const text = variant(["contactEveryDays: 30", "contactEveryDays: monthly"]);
    await expectOnly(text, "districts[0].cst.contactEveryDays", /should be a number, found text "monthly"/);
  });

  it("reads dates as YYYY-MM-DD strings also from a YAML 1.1 document", async () => {
    const result = await parse(`%YAML 1.1\n---\n${VALID}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.roster.districts[0]!.calendar).toMatchObject({
      firstDay: "2026-08-17",
      lastDay: "2027-05-21",
    });
    expect(result.roster.districts[0]!.calendar.noSchool[0]).toEqual({
      from: "2026-11-25",
      to: "2026-11-25",
    });
  });

  it("reports an impossible date", async () => {
    await expectOnly(
      variant(["firstDay: 2026-08-17", "firstDay: 2026-02-30"]),
      "districts[0].calendar.firstDay",
      /"2026-02-30" is not a date/,
    );
  });
});

describe("roster checks: districts", () => {
  it("reports a bad time zone", async () => {
    const text = variant(["timezone: America/Chicago", "timezone: Central Time"]);
    const issue = await expectOnly(text, "districts[0].timezone", /"Central Time" is not a time zone/);
    expect(issue.fix).toMatch(/America\/Chicago/);
  });

  it("reports a time that is not HH:MM", async () => {
    await expectOnly(
      variant(['start: "07:30"', 'start: "7.30am"']),
      "districts[0].workHours.start",
      /"7.30am" is not a time of day/,
    );
  });

  it("reports a working day that ends before it starts", async () => {
    await expectOnly(
      variant(['end: "16:00"', 'end: "04:00"']),
      "districts[0].workHours.end",
      /ends \(04:00\) before it starts \(07:30\)/,
    );
  });

  it("reports lastDay before firstDay", async () => {
    await expectOnly(
      variant(["lastDay: 2027-05-21", "lastDay: 2026-05-21"]),
      "districts[0].calendar.lastDay",
      /before the first day/,
    );
  });

  it("reports a no-school range that ends before it starts", async () => {
    const text = variant(["{ from: 2026-12-21, to: 2027-01-01 }", "{ from: 2026-12-21, to: 2026-01-01 }"]);
    const issue = await expectOnly(
      text,
      "districts[0].calendar.noSchool[1].to",
      /ends \(2026-01-01\) before it starts/,
    );
    expect(issue.line).toBe(lineOf(text, "noSchool:"));
  });

  it("warns about a no-school day outside the school year", async () => {
    const result = await parse(variant(["noSchool: [2026-11-25,", "noSchool: [2025-11-25,"]));
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ field: "districts[0].calendar.noSchool[0]" }),
    ]);
  });

  it("reports duplicate district, building and group ids, naming the first's line", async () => {
    const text = variant(
      ["  - id: oakridge\n", "  - id: hillcrest\n"],
      ["{ id: oakridge-hs,", "{ id: hillcrest-ms,"],
      ["  - id: kim-g8", "  - id: g7-peers"],
    );
    const issues = await issuesOf(text);
    const byField = (f: string) => issues.find((i) => i.field === f);
    expect(byField("districts[1].id")).toMatchObject({
      line: lineOf(text, /- id: hillcrest$/, 2),
      message: `the district id "hillcrest" is used twice (first on line ${lineOf(text, /- id: hillcrest$/)})`,
    });
    expect(byField("districts[1].buildings[0].id")?.message).toMatch(
      /building id "hillcrest-ms" is used twice/,
    );
    expect(byField("coaching[1].id")?.message).toMatch(/coaching group id "g7-peers" is used twice/);
  });

  it("reports a CST facilitator who is not a person, or lacks the facilitator role", async () => {
    await expectOnly(
      variant(["[pat@rpdc.example.org], contactEveryDays", "[pam@rpdc.example.org], contactEveryDays"]),
      "districts[0].cst.facilitators[0]",
      /no one with the e-mail pam@rpdc.example.org/,
    );
    const text = variant([
      "[pat@rpdc.example.org], contactEveryDays",
      "[kim@hillcrest.example.org], contactEveryDays",
    ]);
    await expectOnly(text, "districts[0].cst.facilitators[0]", /does not have the facilitator role/);
  });
});

describe("roster checks: people", () => {
  it("reports a bad e-mail address", async () => {
    const text = variant(["email: cara@hillcrest.example.org", "email: cara.hillcrest.example.org"]);
    const issue = await expectOnly(
      text,
      "people[2].email",
      /"cara.hillcrest.example.org" is not a valid e-mail address/,
    );
    expect(issue.line).toBe(lineOf(text, "cara.hillcrest"));
  });

  it("reports an unknown district with the known ones", async () => {
    const issue = await expectOnly(
      variant(["Cara Diaz, district: hillcrest", "Cara Diaz, district: hilcrest"]),
      "people[2].district",
      /no district "hilcrest"/,
    );
    expect(issue.fix).toBe("Use one of: hillcrest, oakridge");
  });

  it("reports an unknown building", async () => {
    const issue = await expectOnly(
      variant([
        "Kim Lee, district: hillcrest, building: hillcrest-ms",
        "Kim Lee, district: hillcrest, building: hillcrest-hs",
      ]),
      "people[4].building",
      /no building "hillcrest-hs"/,
    );
    expect(issue.fix).toBe("Use one of: hillcrest-ms, hillcrest-el");
  });

  it("reports a building of another district", async () => {
    await expectOnly(
      variant([
        "Kim Lee, district: hillcrest, building: hillcrest-ms",
        "Kim Lee, district: hillcrest, building: oakridge-hs",
      ]),
      "people[4].building",
      /belongs to district "oakridge", not "hillcrest"/,
    );
  });

  it("reports a duplicate e-mail, whatever its case, at the second one and naming the first's line", async () => {
    const text = variant(["email: lou@hillcrest.example.org", "email: KIM@Hillcrest.example.org"]);
    const issue = await expectOnly(
      text,
      "people[5].email",
      /"kim@hillcrest.example.org" is used twice \(first on line (\d+)\)/,
    );
    expect(issue.line).toBe(lineOf(text, "KIM@Hillcrest"));
    expect(issue.message).toContain(`first on line ${lineOf(text, "kim@hillcrest.example.org")}`);
  });

  it("reports an unknown role with the valid ones", async () => {
    const issue = await expectOnly(
      variant(["roles: [district-admin]", "roles: [superintendent]"]),
      "people[6].roles[0]",
      /"superintendent" is not a valid/,
    );
    expect(issue.fix).toBe("Use one of: teacher, coach, building-admin, district-admin, facilitator");
  });

  it("reports a person without a district unless facilitator is their only role", async () => {
    await expectOnly(
      variant(["Sam Ortiz, district: hillcrest, roles", "Sam Ortiz, roles"]),
      "people[6].district",
      /has no district/,
    );
    expect(
      await issuesOf(
        variant(["Pat Morgan, roles: [facilitator]", "Pat Morgan, roles: [facilitator, coach]"]),
      ),
    ).toContainEqual(expect.objectContaining({ field: "people[9].district" }));
  });

  it("reports a schema problem and a reference problem of the same person together", async () => {
    const text = variant([
      "Cara Diaz, district: hillcrest,\n      building: hillcrest-ms, roles: [teacher]",
      "Cara Diaz, district: nowhere,\n      building: hillcrest-ms, roles: [techer]",
    ]);
    const fields = (await issuesOf(text)).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["people[2].district", "people[2].roles[0]"]));
  });
});

describe("roster checks: coaching groups", () => {
  it("reports an unknown member", async () => {
    const text = variant([
      "members: [ana@hillcrest.example.org, ben@",
      "members: [ana@hillcrest.example.org, bem@",
    ]);
    const issue = await expectOnly(
      text,
      "coaching[0].members[1]",
      /no one with the e-mail bem@hillcrest.example.org is in people/,
    );
    expect(issue.line).toBe(lineOf(text, "bem@"));
  });

  it("reports an unknown team, saying where a team of that name exists", async () => {
    await expectOnly(
      variant(["team:grade8-math]", "team:grade9-math]"]),
      "coaching[1].members[1]",
      /no one in district "hillcrest" is on the team "grade9-math"/,
    );
    const issue = await expectOnly(
      variant(["team:grade8-math]", "team:science]"]),
      "coaching[1].members[1]",
      /no one in district "hillcrest" is on the team "science"/,
    );
    expect(issue.fix).toBe("That team exists in oakridge: write team:oakridge/science");
    await expectOnly(
      variant(["team:oakridge/science", "team:oakdale/science"]),
      "coaching[2].members[1]",
      /names the district "oakdale"/,
    );
  });

  it("requires exactly two people in a peer-to-peer group", async () => {
    await expectOnly(
      variant([
        "members: [ana@hillcrest.example.org, ben@hillcrest.example.org]",
        "members: [ana@hillcrest.example.org]",
      ]),
      "coaching[0].members",
      /exactly two people; this one lists 1/,
    );
    const three =
      "members: [ana@hillcrest.example.org, ben@hillcrest.example.org, cara@hillcrest.example.org]";
    await expectOnly(
      variant(["members: [ana@hillcrest.example.org, ben@hillcrest.example.org]", three]),
      "coaching[0].members",
      /lists 3/,
    );
    await expectOnly(
      variant([
        "members: [ana@hillcrest.example.org, ben@hillcrest.example.org]",
        "members: [ana@hillcrest.example.org, team:grade8-math]",
      ]),
      "coaching[0].members[1]",
      /two people, not teams/,
    );
    await expectOnly(
      variant([
        "members: [ana@hillcrest.example.org, ben@hillcrest.example.org]",
        "members: [ana@hillcrest.example.org, ANA@hillcrest.example.org]",
      ]),
      "coaching[0].members[1]",
      /same person/,
    );
  });

  it("reports members in different districts unless the group is team-to-team", async () => {
    const text = variant([
      "members: [ana@hillcrest.example.org, ben@hillcrest.example.org]",
      "members: [ana@hillcrest.example.org, olive@oakridge.example.org]",
    ]);
    await expectOnly(
      text,
      "coaching[0].members[1]",
      /olive@oakridge.example.org is in district "oakridge", but this group belongs to "hillcrest"/,
    );
    await expectOnly(
      variant(["team:grade8-math]", "team:oakridge/science]"]),
      "coaching[1].members[1]",
      /team:oakridge\/science is in district "oakridge"/,
    );
    expect(await issuesOf(VALID)).toEqual([]); // math-science spans two districts
  });

  it("reports peer-to-team and team-to-team groups of the wrong shape", async () => {
    await expectOnly(
      variant([
        "members: [kim@hillcrest.example.org, team:grade8-math]",
        "members: [team:grade8-math, kim@hillcrest.example.org]",
      ]),
      "coaching[1].members",
      /lists the peer first/,
    );
    await expectOnly(
      variant(["[team:grade7-math, team:oakridge/science]", "[team:grade7-math]"]),
      "coaching[2].members",
      /exactly two teams; this one lists 1/,
    );
    await expectOnly(
      variant(["[team:grade7-math, team:oakridge/science]", "[team:grade7-math, ben@hillcrest.example.org]"]),
      "coaching[2].members[1]",
      /each side of a team-to-team group is a team/,
    );
    await expectOnly(
      variant([
        "[team:grade7-math, team:oakridge/science]",
        "[team:grade7-math, [ben@hillcrest.example.org]]",
      ]),
      "coaching[2].members",
      /ben@hillcrest.example.org is on both sides/,
    );
  });

  it("reports an unknown focus with the DCI practices in the fix", async () => {
    const issue = await expectOnly(
      variant(["focus: Metacognition", "focus: Growth Mindset"]),
      "coaching[2].focus",
      /"Growth Mindset" is not one of the DCI practices/,
    );
    for (const practice of DCI_PRACTICES) expect(issue.fix).toContain(practice);
  });

  it("reports an observeEvery it cannot read", async () => {
    await expectOnly(
      variant(["observeEvery: 4 weeks", "observeEvery: fortnightly-ish"]),
      "coaching[1].observeEvery",
      /"fortnightly-ish" is not a period/,
    );
  });
});

describe("roster normalisation", () => {
  it("builds the model's roster", async () => {
    const result = await parse(VALID);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { districts, people, groups } = result.roster;
    expect(people[0]).toEqual({
      id: "ana@hillcrest.example.org",
      email: "Ana@hillcrest.example.org",
      name: "Ana Ruiz",
      districtId: "hillcrest",
      buildingId: "hillcrest-ms",
      roles: ["teacher"],
      teams: ["grade7-math"],
      slackId: "U0ANA0001",
    });
    expect(people.find((p) => p.name === "Pat Morgan")).toEqual({
      id: "pat@rpdc.example.org",
      email: "pat@rpdc.example.org",
      name: "Pat Morgan",
      roles: ["facilitator"],
      teams: [],
    });
    expect(districts[1]).toMatchObject({
      cst: { facilitators: ["pat@rpdc.example.org"], contactEveryDays: 30 },
      buildings: [{ id: "oakridge-hs", districtId: "oakridge" }],
    });
    expect(districts[0]!.calendar.noSchool).toEqual([
      { from: "2026-11-25", to: "2026-11-25" },
      { from: "2026-12-21", to: "2027-01-01" },
    ]);
    expect(groups).toEqual([
      {
        id: "g7-peers",
        structure: "peer-to-peer",
        districtId: "hillcrest",
        sides: [["ana@hillcrest.example.org"], ["ben@hillcrest.example.org"]],
        focus: "Developing Assessment Capable Learners",
        observeEveryDays: 21,
      },
      {
        id: "kim-g8",
        structure: "peer-to-team",
        districtId: "hillcrest",
        sides: [["kim@hillcrest.example.org"], ["cara@hillcrest.example.org", "dev@hillcrest.example.org"]],
        focus: "Feedback",
        observeEveryDays: 28,
      },
      {
        id: "math-science",
        structure: "team-to-team",
        districtId: "hillcrest",
        sides: [
          ["ana@hillcrest.example.org", "ben@hillcrest.example.org"],
          ["olive@oakridge.example.org", "omar@oakridge.example.org"],
        ],
        focus: "Metacognition",
        observeEveryDays: 42,
      },
    ]);
  });

  it("accepts team-to-team sides written as lists of people", async () => {
    const result = await parse(
      variant([
        "[team:grade7-math, team:oakridge/science]",
        "[[ana@hillcrest.example.org, team:grade8-math], [ben@hillcrest.example.org]]",
      ]),
    );
    expect(result.ok && result.roster.groups[2]!.sides).toEqual([
      ["ana@hillcrest.example.org", "cara@hillcrest.example.org", "dev@hillcrest.example.org"],
      ["ben@hillcrest.example.org"],
    ]);
  });
});
