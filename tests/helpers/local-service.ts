import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { type Service, startService } from "../../src/main.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { Message } from "../../src/ui/model.js";

export interface InboxEntry {
  id: string;
  from: "bot" | "you";
  message?: Message;
  text?: string;
  at: string;
}

/**
 * The real service (SQLite file, demo roster, local chat) with a manual clock set to `start`
 * before it boots, driven only through its HTTP API like the page drives it.
 */
export async function startLocalService(start: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "coachbot-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const seed = openSqliteStore(join(dataDir, "coachbot.db"));
  await seed.putDoc("clock", "now", { at: new Date(start).toISOString() });
  await seed.close();
  const config = parseConfig(
    { DATA_DIR: dataDir, PORT: "0", CLOCK: "manual", SCHEDULER: "off", LOG_LEVEL: "silent", ...env },
    { cwd: dir, exists: existsSync },
  );
  const service: Service = await startService(config, createLogger("silent"));
  const base = `http://127.0.0.1:${service.port}`;

  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  return {
    service,
    base,
    /** The SQLite file behind the service. */
    dataFile: join(dataDir, "coachbot.db"),
    store: service.store,
    call,
    /** Moves the clock and runs the scheduler there, as the page's time-travel control does. */
    travel: (to: string) =>
      call<{ ok: boolean; now: string; delivered: number }>("POST", "/local/api/time-travel", { to }),
    conversation: async (as: string) =>
      (await call<{ entries: InboxEntry[] }>("GET", `/local/api/conversation?as=${encodeURIComponent(as)}`))
        .body.entries,
    action: (as: string, action: string, context: string) =>
      call<{
        ok: boolean;
        reply: { messages: Message[]; form?: { id: string; values?: Record<string, unknown> } };
      }>("POST", "/local/api/action", { as, action, context }),
    submit: (as: string, form: string, context: string, values: Record<string, unknown>) =>
      call<{ ok: boolean; errors?: Record<string, string>; reply?: { messages: Message[] } }>(
        "POST",
        "/local/api/submit",
        { as, form, context, values },
      ),
    command: (as: string, text: string) =>
      call<{ ok: boolean; reply: { messages: Message[] } }>("POST", "/local/api/command", { as, text }),
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type LocalService = Awaited<ReturnType<typeof startLocalService>>;

/** All the text a person can read in a message. */
export function textOf(message: Message | undefined): string {
  if (!message) return "";
  return message.blocks
    .map((b) => {
      switch (b.kind) {
        case "text":
          return b.text;
        case "facts":
          return b.facts.map((f) => `${f.label}: ${f.value}`).join("\n");
        case "bars":
          return [b.title, ...b.rows.map((r) => `${r.label} ${r.display}`)].join("\n");
        case "actions":
          return b.actions.map((a) => `[${a.label}]`).join(" ");
        case "link":
          return `${b.label} <${b.url}>`;
        default:
          return "";
      }
    })
    .join("\n");
}

export function actionsOf(message: Message | undefined) {
  return (message?.blocks ?? []).flatMap((b) => (b.kind === "actions" ? b.actions : []));
}

export function linkOf(message: Message | undefined): string | undefined {
  return message?.blocks.flatMap((b) => (b.kind === "link" ? [b.url] : []))[0];
}
