// Copies what the compiled service reads at run time but tsc does not emit: pages, styles,
// browser scripts and the bundled demo roster. Every asset sits beside the module that serves it.
import { cpSync, existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const ASSET = /\.(html|css|js|mjs|yaml|png|svg|json)$/;
const SOURCES = ["src", "adapters"];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let copied = 0;
for (const top of SOURCES) {
  for (const file of walk(join(ROOT, top))) {
    if (!ASSET.test(file)) continue;
    const target = join(ROOT, "dist", relative(ROOT, file));
    cpSync(file, target);
    copied++;
  }
}
if (!existsSync(join(ROOT, "dist/src/roster/demo-roster.yaml"))) {
  console.error("copy-assets: the demo roster was not copied");
  process.exit(1);
}
console.log(`copy-assets: ${copied} files copied into dist/`);
