import { describe, expect, it } from "vitest";
import { issuesOf, parse, VALID } from "./helpers.js";

const WITH_CSV = VALID.replace(/people:\n[\s\S]*?(?=coaching:)/, "people: ./people.csv\n");

const HEADER = "email,name,district,building,roles,teams,slack_id,teams_id";
const ROWS = [
  "Ana@hillcrest.example.org,Ana Ruiz,hillcrest,hillcrest-ms,teacher,grade7-math,U0ANA0001,",
  "ben@hillcrest.example.org,Ben Cho,hillcrest,hillcrest-ms,teacher,grade7-math,,29:ben",
  "cara@hillcrest.example.org,Cara Diaz,hillcrest,hillcrest-ms,teacher,grade8-math,,",
  "dev@hillcrest.example.org,Dev Patel,hillcrest,hillcrest-ms,teacher,grade8-math,,",
  "kim@hillcrest.example.org,Kim Lee,hillcrest,hillcrest-ms,coach,,,",
  "lou@hillcrest.example.org,Lou Grant,hillcrest,hillcrest-el,building-admin,,,",
  "sam@hillcrest.example.org,Sam Ortiz,hillcrest,,district-admin,,,",
  "olive@oakridge.example.org,Olive Park,oakridge,oakridge-hs,teacher,science,,",
  "omar@oakridge.example.org,Omar Haddad,oakridge,oakridge-hs,teacher,science,,",
  "pat@rpdc.example.org,Pat Morgan,,,facilitator,,,",
];
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

describe("people from a CSV file", () => {
  it("gives the same roster as the same people written in YAML", async () => {
    const fromYaml = await parse(VALID);
    const fromCsv = await parse(WITH_CSV, { "people.csv": csv(...ROWS) });
    expect(fromCsv.ok).toBe(true);
    expect(fromCsv.ok && fromCsv.roster).toEqual(fromYaml.ok && fromYaml.roster);
  });

  it("splits roles and teams on semicolons and reads quoted cells", async () => {
    const text = csv(
      ...ROWS,
      '"kai@hillcrest.example.org","Lee, Kai",hillcrest,hillcrest-ms,teacher; coach,grade7-math;grade8-math,,',
    );
    const result = await parse(WITH_CSV, { "people.csv": text });
    expect(result.ok && result.roster.people.at(-1)).toMatchObject({
      name: "Lee, Kai",
      roles: ["teacher", "coach"],
      teams: ["grade7-math", "grade8-math"],
    });
  });

  it("reports a row's problem at the row's line in the CSV, past blank lines and multi-line cells", async () => {
    const text = [
      HEADER,
      ROWS[0],
      "",
      '"ben@hillcrest.example.org","Ben\nCho",hillcrest,hillcrest-ms,teacher,grade7-math,,',
      ...ROWS.slice(2, 7),
      "olive@oakridge.example.org,Olive Park,oakridge,oakridge-hs,teacher,science,,",
      "omar@oakridge.example.org,Omar Haddad,oakdale,oakridge-hs,teacher,science,,",
      ROWS[9],
    ].join("\n");
    // header 1, Ana 2, blank 3, Ben 4-5, Cara..Sam 6-10, Olive 11, Omar 12
    expect(await issuesOf(WITH_CSV, { "people.csv": text })).toEqual([
      {
        file: "people.csv",
        line: 12,
        field: "district",
        message: 'there is no district "oakdale" in districts',
        fix: "Use one of: hillcrest, oakridge",
      },
    ]);
  });

  it("reports schema problems with the CSV column name", async () => {
    const issues = await issuesOf(WITH_CSV, {
      "people.csv": csv(...ROWS.slice(0, 9), "pat@rpdc,Pat Morgan,,,facilitator,,,"),
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: "people.csv",
        line: 11,
        field: "email",
        message: '"pat@rpdc" is not a valid e-mail address',
      }),
    );
    const roles = await issuesOf(WITH_CSV, {
      "people.csv": csv(...ROWS.slice(0, 9), "pat@rpdc.example.org,Pat Morgan,,,,,,"),
    });
    expect(roles).toContainEqual(
      expect.objectContaining({
        file: "people.csv",
        line: 11,
        field: "roles",
        message: "needs at least 1 entry",
      }),
    );
  });

  it("names the first line of a duplicate e-mail in the CSV", async () => {
    const issues = await issuesOf(WITH_CSV, {
      "people.csv": csv(...ROWS, "ANA@hillcrest.example.org,Ana R,hillcrest,,teacher,,,"),
    });
    expect(issues).toEqual([
      expect.objectContaining({
        file: "people.csv",
        line: 12,
        field: "email",
        message: expect.stringContaining("(first on line 2)"),
      }),
    ]);
  });

  it("reports a row with too few or too many values, and still checks the others", async () => {
    const issues = await issuesOf(WITH_CSV, {
      "people.csv": csv(...ROWS.slice(0, 9), "pat@rpdc.example.org,Pat Morgan,facilitator"),
    });
    expect(issues).toContainEqual({
      file: "people.csv",
      line: 11,
      field: "row",
      message: "this row has 3 values but the header has 8",
      fix: expect.any(String),
    });
    // Pat's row was dropped, so the facilitator references to her are reported too
    expect(issues.filter((i) => i.file === "roster.yaml").map((i) => i.field)).toEqual([
      "districts[0].cst.facilitators[0]",
      "districts[1].cst.facilitators[0]",
    ]);
  });

  it("reports an unknown or missing column on the header line, without a cascade", async () => {
    const text = ["email,name,district,building,role,teams", ...ROWS].join("\n");
    expect(await issuesOf(WITH_CSV, { "people.csv": text })).toEqual([
      expect.objectContaining({
        file: "people.csv",
        line: 1,
        field: "role",
        message: 'unknown column "role"',
      }),
      expect.objectContaining({
        file: "people.csv",
        line: 1,
        field: "roles",
        message: 'the header has no "roles" column',
      }),
    ]);
  });

  it("reports a CSV syntax error with its line", async () => {
    const text = csv(ROWS[0]!, '"ben@hillcrest.example.org,Ben Cho,hillcrest');
    expect(await issuesOf(WITH_CSV, { "people.csv": text })).toEqual([
      expect.objectContaining({
        file: "people.csv",
        line: 3,
        field: "row",
        message: expect.stringMatching(/quote/i),
      }),
    ]);
  });

  it("reports a missing CSV file at the people line of the roster", async () => {
    expect(await issuesOf(WITH_CSV)).toEqual([
      expect.objectContaining({
        file: "roster.yaml",
        line: WITH_CSV.split("\n").indexOf("people: ./people.csv") + 1,
        field: "people",
        message: "cannot read the people file people.csv: there is no such file",
      }),
    ]);
  });
});
