import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { ICONS, MANIFEST_DIR, teamsManifest } from "../../../adapters/teams/manifest.js";
import { writeTeamsPackage } from "../../../scripts/package-teams.js";

// The generated manifest against Microsoft's JSON schema as shipped in @microsoft/app-manifest
// (offline: the schema is read from node_modules, never fetched), the icons, and the package.

const APP_ID = "3f2c9a1e-5b7d-4c2a-9e1f-0a1b2c3d4e5f";
const PUBLIC_URL = "https://coachbot.example.org/";
const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const dir = mkdtempSync(join(tmpdir(), "coachbot-teams-package-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaFor(version: string): Record<string, unknown> {
  const path = require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`,
  );
  // Draft-04 by its $schema, but it uses no keyword that differs from Ajv's default draft (checked: no boolean exclusiveMinimum, no `id`).
  const { $schema: _, ...schema } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return schema;
}

/** Width, height, colour type and the RGBA pixels of an 8-bit, unfiltered-or-None PNG as the icon script writes it. */
function readPng(file: string) {
  const png = readFileSync(file);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const data: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("ascii", at + 4, at + 8) === "IDAT") data.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const alpha = (x: number, y: number) => raw[y * (1 + width * 4) + 1 + x * 4 + 3]!;
  const rgb = (x: number, y: number) => [
    ...raw.subarray(y * (1 + width * 4) + 1 + x * 4, y * (1 + width * 4) + 4 + x * 4),
  ];
  return { width, height, colorType: png[25], alpha, rgb };
}

describe("Teams app manifest", () => {
  const manifest = teamsManifest({ appId: APP_ID, publicUrl: PUBLIC_URL });

  it("validates against the v1.22 schema from @microsoft/app-manifest", () => {
    expect(manifest.manifestVersion).toBe("1.22");
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(schemaFor("1.22"));
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema does bite: an unknown field, or a bot id that is not a GUID, is refused.
    expect(validate({ ...manifest, colour: "blue" })).toBe(false);
    expect(validate({ ...manifest, bots: [{ ...(manifest.bots as object[])[0], botId: "coachbot" }] })).toBe(
      false,
    );
  });

  it("fills in the app id and the public address everywhere", () => {
    const text = JSON.stringify(manifest);
    expect(text).not.toMatch(/\{\{/);
    expect(manifest).toMatchObject({
      id: APP_ID,
      bots: [{ botId: APP_ID, scopes: ["personal", "team", "groupChat"] }],
      staticTabs: [{ contentUrl: "https://coachbot.example.org/dashboard?host=teams", scopes: ["personal"] }],
      configurableTabs: [
        { configurationUrl: "https://coachbot.example.org/teams/tab-config", scopes: ["team"] },
      ],
      validDomains: ["coachbot.example.org"],
    });
    const commands = (manifest.bots as { commandLists: { commands: { title: string }[] }[] }[])[0]!
      .commandLists[0]!.commands;
    expect(commands.map((c) => c.title)).toEqual([
      "help",
      "status",
      "schedule",
      "feedback",
      "pause",
      "resume",
    ]);
  });

  it("refuses an app id that is not a GUID and a public address without https", () => {
    expect(() => teamsManifest({ appId: "", publicUrl: PUBLIC_URL })).toThrow(/GUID/);
    expect(() => teamsManifest({ appId: APP_ID, publicUrl: "http://localhost:3978" })).toThrow(/https/);
  });

  it("ships a 192x192 colour icon and a 32x32 white-on-transparent outline icon", () => {
    const color = readPng(join(MANIFEST_DIR, "color.png"));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect(color.alpha(0, 0)).toBe(255);
    const outline = readPng(join(MANIFEST_DIR, "outline.png"));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        if (outline.alpha(x, y) === 0) continue;
        opaque++;
        expect(outline.rgb(x, y)).toEqual([255, 255, 255]);
      }
    }
    expect(outline.alpha(0, 0)).toBe(0);
    expect(opaque).toBeGreaterThan(100);
  });

  it("packages manifest.json and both icons at the root of the zip", () => {
    const zip = readFileSync(
      writeTeamsPackage({ appId: APP_ID, publicUrl: PUBLIC_URL, out: join(dir, "coachbot-teams.zip") }),
    );
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let at = zip.readUInt32LE(end + 16);
    const names: string[] = [];
    for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
      const nameLength = zip.readUInt16LE(at + 28);
      names.push(zip.toString("utf8", at + 46, at + 46 + nameLength));
      at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    }
    expect(names).toEqual(["manifest.json", ...ICONS]);
  });
});
