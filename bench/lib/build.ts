import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// The production build (what the Dockerfile runs: tsc -p tsconfig.build.json, then the assets
// scripts/copy-assets.mjs copies) made in a temporary directory, so that nothing is written into
// the working tree: dist/, bin/coachbot.js, package.json and a node_modules link beside them.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ASSET = /\.(html|css|js|mjs|yaml|png|svg|json)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Builds into a new temporary directory; returns it and the path of its bin/coachbot.js. */
export function buildToTemp(): { dir: string; bin: string; ms: number } {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "coachbot-build-"));
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  try {
    execFileSync(
      process.execPath,
      [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(dir, "dist")],
      {
        cwd: ROOT,
        stdio: "pipe",
      },
    );
  } catch (err) {
    // Type errors still emit JavaScript (noEmitOnError is off); a missing output is caught below.
    const out = String((err as { stdout?: Buffer }).stdout ?? "");
    if (out) console.warn(`build: tsc reported problems (the build is used anyway):\n${out.slice(0, 2000)}`);
  }
  for (const top of ["src", "adapters"]) {
    for (const file of walk(join(ROOT, top))) {
      if (!ASSET.test(file)) continue;
      const target = join(dir, "dist", relative(ROOT, file));
      mkdirSync(join(target, ".."), { recursive: true });
      cpSync(file, target);
    }
  }
  mkdirSync(join(dir, "bin"));
  cpSync(join(ROOT, "bin/coachbot.js"), join(dir, "bin/coachbot.js"));
  cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  statSync(join(dir, "dist/src/cli.js"));
  return { dir, bin: join(dir, "bin/coachbot.js"), ms: performance.now() - started };
}
