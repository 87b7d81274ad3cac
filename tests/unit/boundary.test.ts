import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The core knows no platform: only the composition root may wire platform adapters.
const ROOT = join(import.meta.dirname, "../..");
const PLATFORM_IMPORT =
  /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](@slack\/|botbuilder|botframework|@microsoft\/)[^"']*["']/;
const ADAPTER_IMPORT = /(?:from\s+|import\s*\(\s*)["'](?:\.\.\/)+adapters\//;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? tsFiles(p) : d.name.endsWith(".ts") ? [p] : [];
  });
}

function offenders(pattern: RegExp, allowed: string[]): string[] {
  return tsFiles(join(ROOT, "src"))
    .map((f) => relative(ROOT, f))
    .filter((f) => !allowed.includes(f))
    .filter((f) => pattern.test(readFileSync(join(ROOT, f), "utf8")));
}

describe("core boundary", () => {
  it("recognises every platform import form it guards against", () => {
    for (const line of [
      'import { App } from "@slack/bolt";',
      "import { CloudAdapter } from 'botbuilder';",
      'const x = await import("@microsoft/teams-js");',
      'import { x } from "botframework-connector";',
    ]) {
      expect(PLATFORM_IMPORT.test(line), line).toBe(true);
    }
    expect(PLATFORM_IMPORT.test('import { z } from "zod";')).toBe(false);
  });

  it("no file in src/ other than main.ts imports @slack/*, botbuilder* or @microsoft/*", () => {
    expect(offenders(PLATFORM_IMPORT, ["src/main.ts"])).toEqual([]);
  });

  it("no file in src/ other than main.ts imports from adapters/", () => {
    expect(offenders(ADAPTER_IMPORT, ["src/main.ts"])).toEqual([]);
  });

  it("src/ never reads process.env (config is parsed once and passed in)", () => {
    expect(offenders(/process\.env/, [])).toEqual([]);
  });
});
