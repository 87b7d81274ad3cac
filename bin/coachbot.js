#!/usr/bin/env node
// Runs the CLI from source in a checkout (tsx), or from the compiled dist/ in a production image.
import { existsSync } from "node:fs";

const source = new URL("../src/cli.ts", import.meta.url);
const built = new URL("../dist/src/cli.js", import.meta.url);

let entry = built;
if (existsSync(source)) {
  try {
    const { register } = await import("tsx/esm/api");
    register();
    entry = source;
  } catch {
    // tsx is a dev dependency: without it, fall back to the build.
  }
}
if (!existsSync(entry)) {
  console.error("coachbot: no build found. Fix: run `npm ci` (development) or `npm run build`.");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), process.env);
