import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The Teams app manifest: manifests/teams/manifest.json with the Azure Bot's app id and the
// service's public address filled in. Teams requires https for every URL in it.

export const MANIFEST_DIR = fileURLToPath(new URL("../../manifests/teams/", import.meta.url));
export const ICONS = ["color.png", "outline.png"] as const;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export function teamsManifest(opts: { appId: string; publicUrl: string }): Record<string, unknown> {
  if (!GUID.test(opts.appId))
    throw new Error(`MicrosoftAppId must be the Azure Bot's app id, a GUID (got "${opts.appId}")`);
  const url = new URL(opts.publicUrl);
  if (url.protocol !== "https:")
    throw new Error(`PUBLIC_URL must start with https:// for Teams (got "${opts.publicUrl}")`);
  const values: Record<string, string> = {
    MicrosoftAppId: opts.appId,
    PUBLIC_URL: url.href.replace(/\/+$/, ""),
    PUBLIC_HOST: url.host,
  };
  const template = JSON.parse(readFileSync(`${MANIFEST_DIR}manifest.json`, "utf8")) as unknown;
  return fill(template, values) as Record<string, unknown>;
}

/** Replaces {{NAME}} in every string of the template (values stay JSON-safe: no text is spliced). */
function fill(node: unknown, values: Record<string, string>): unknown {
  if (typeof node === "string") {
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`manifest template: unknown placeholder {{${name}}}`);
      return value;
    });
  }
  if (Array.isArray(node)) return node.map((n) => fill(n, values));
  if (node && typeof node === "object")
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, values)]));
  return node;
}
