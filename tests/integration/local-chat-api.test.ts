import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalChatDeps, localChatRouter } from "../../adapters/local/api.js";
import { LocalDeliveryAdapter } from "../../adapters/local/deliver.js";
import { type InboxEntry, LocalInbox } from "../../adapters/local/inbox.js";
import { ManualClock } from "../../src/clock.js";
import type { Person } from "../../src/domain/model.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { FormView, Inbound, Message, Reply } from "../../src/ui/model.js";

const person = (id: string, name: string, roles: Person["roles"]): Person => ({
  id,
  email: id,
  name,
  roles,
  teams: [],
  districtId: "hillcrest",
  buildingId: "hillcrest-elem",
});
const ANA = person("ana@hillcrest.k12.us", "Ana Teacher", ["teacher"]);
const BO = person("bo@hillcrest.k12.us", "Bo Coach", ["teacher", "coach"]);

const text = (key: string, body: string, extra: Partial<Message> = {}): Message => ({
  key,
  summary: body,
  blocks: [{ kind: "text", text: body }],
  ...extra,
});
const FEEDBACK_FORM: FormView = {
  id: "feedback",
  title: "Feedback",
  fields: [{ name: "glow", label: "Strength", required: true, input: "longText", maxLength: 2000 }],
  submitLabel: "Send",
  context: "cycle-1",
};

// Fixed replies: enough to exercise every route without the workflows.
async function handle(inbound: Inbound): Promise<Reply> {
  seen.push(inbound);
  if (inbound.kind === "command" && inbound.text === "card") {
    const card = text("card-1", "Time to observe");
    card.blocks.push({
      kind: "actions",
      actions: [{ id: "obs.pick-time", label: "Pick a time", context: "c1" }],
    });
    return { messages: [card] };
  }
  if (inbound.kind === "command") return { messages: [text("help", `Help for ${inbound.actor.personId}`)] };
  if (inbound.kind === "action") {
    return {
      messages: [text("card-1-used", "You picked a time", { replaces: "card-1" })],
      form: FEEDBACK_FORM,
    };
  }
  if (!inbound.values.glow) {
    return { messages: [text("never", "not shown")], errors: { glow: "Start with a strength." } };
  }
  return { messages: [text("thanks", "Thanks for the feedback")] };
}

let seen: Inbound[] = [];
let dir: string;
let store: Store;
let server: Server;
let base: string;
let inbox: LocalInbox;
const clock = new ManualClock(new Date("2026-09-01T12:00:00Z"));
const travelled: Date[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coachbot-local-chat-"));
  store = openSqliteStore(join(dir, "coachbot.db"));
  inbox = new LocalInbox(store);
  const deps: LocalChatDeps = {
    handle,
    people: async () => [ANA, BO],
    inbox,
    now: async () => clock.now(),
    timeTravel: async (to) => {
      travelled.push(to);
      clock.set(to);
      return { now: to.toISOString(), delivered: 2 };
    },
  };
  const app = express();
  app.use(localChatRouter(deps));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  seen = [];
  for (const id of [ANA.id, BO.id, "channel:C-LEAD"]) {
    for (const doc of await store.listDocs(`local-inbox:${id}`))
      await store.deleteDoc(`local-inbox:${id}`, doc.id);
  }
  await store.deleteDoc("local-inbox-channels", "channel:C-LEAD");
});

const post = (path: string, body: unknown, contentType = "application/json") =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const conversation = async (as: string): Promise<InboxEntry[]> => {
  const res = await fetch(`${base}/local/api/conversation?as=${encodeURIComponent(as)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: InboxEntry[] }).entries;
};
const shape = (entries: InboxEntry[]) => entries.map((e) => [e.from, e.text ?? e.message?.key]);

describe("local chat API", () => {
  it("lists the roster people with their roles and places, and no channels yet", async () => {
    const body = await (await fetch(`${base}/local/api/people`)).json();
    expect(body).toEqual({
      people: [
        {
          id: ANA.id,
          name: "Ana Teacher",
          roles: ["teacher"],
          districtId: "hillcrest",
          buildingId: "hillcrest-elem",
        },
        {
          id: BO.id,
          name: "Bo Coach",
          roles: ["teacher", "coach"],
          districtId: "hillcrest",
          buildingId: "hillcrest-elem",
        },
      ],
      channels: [],
    });
  });

  it("appends the typed command and then the bot's reply, stamped with the service clock", async () => {
    const res = await post("/local/api/command", { as: ANA.id, text: "  status " });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, reply: { messages: [{ key: "help" }] } });
    expect(seen).toEqual([
      { kind: "command", actor: { platform: "local", externalId: ANA.id, personId: ANA.id }, text: "status" },
    ]);
    const entries = await conversation(ANA.id);
    expect(shape(entries)).toEqual([
      ["you", "status"],
      ["bot", "help"],
    ]);
    expect(entries.every((e) => e.at === clock.now().toISOString())).toBe(true);
  });

  it("hands an id the roster does not know to the workflows with personId null", async () => {
    await post("/local/api/command", { as: "stranger@else.where", text: "help" });
    expect(seen[0]).toMatchObject({ actor: { externalId: "stranger@else.where", personId: null } });
  });

  it("keeps one entry per message key: a second delivery updates it instead of duplicating", async () => {
    await post("/local/api/command", { as: ANA.id, text: "help" });
    await post("/local/api/command", { as: ANA.id, text: "help" });
    expect(shape(await conversation(ANA.id))).toEqual([
      ["you", "help"],
      ["bot", "help"],
      ["you", "help"],
    ]);
  });

  it("updates the card a reply replaces in place, and passes the form to open", async () => {
    await post("/local/api/command", { as: BO.id, text: "card" });
    await post("/local/api/command", { as: BO.id, text: "help" });
    const res = await post("/local/api/action", { as: BO.id, action: "obs.pick-time", context: "c1" });
    expect(await res.json()).toMatchObject({ ok: true, reply: { form: { id: "feedback" } } });
    expect(seen.at(-1)).toEqual({
      kind: "action",
      actor: { platform: "local", externalId: BO.id, personId: BO.id },
      action: "obs.pick-time",
      context: "c1",
    });
    const entries = await conversation(BO.id);
    expect(shape(entries)).toEqual([
      ["you", "card"],
      ["bot", "card-1-used"],
      ["you", "help"],
      ["bot", "help"],
    ]);
    expect(entries[1]?.message?.blocks).toEqual([{ kind: "text", text: "You picked a time" }]);
  });

  it("answers a refused submit with the field errors and appends nothing", async () => {
    const res = await post("/local/api/submit", {
      as: BO.id,
      form: "feedback",
      context: "cycle-1",
      values: {},
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ ok: false, errors: { glow: "Start with a strength." } });
    expect(await conversation(BO.id)).toEqual([]);

    const ok = await post("/local/api/submit", {
      as: BO.id,
      form: "feedback",
      context: "cycle-1",
      values: { glow: "Clear learning target" },
    });
    expect(await ok.json()).toMatchObject({ ok: true });
    expect(seen.at(-1)).toMatchObject({
      kind: "submit",
      form: "feedback",
      values: { glow: "Clear learning target" },
    });
    expect(shape(await conversation(BO.id))).toEqual([["bot", "thanks"]]);
  });

  it.each([
    ["missing as", "/local/api/command", { text: "help" }, "as"],
    ["blank as", "/local/api/command", { as: "  ", text: "help" }, "as"],
    ["text of the wrong type", "/local/api/command", { as: ANA.id, text: 5 }, "text"],
    ["empty command", "/local/api/command", { as: ANA.id, text: "   " }, "text"],
    ["action without context", "/local/api/action", { as: ANA.id, action: "x" }, "context"],
    [
      "values not an object",
      "/local/api/submit",
      { as: ANA.id, form: "f", context: "", values: [1] },
      "values",
    ],
    ["a body that is not an object", "/local/api/command", [1, 2], "body"],
  ])("refuses %s with 400 naming the field", async (_name, path, body, field) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    const answer = await res.json();
    expect(answer).toMatchObject({ ok: false, fields: { [field]: expect.any(String) } });
    expect(JSON.stringify(answer)).not.toMatch(/ at |stack/);
    expect(seen).toEqual([]);
  });

  it("refuses a body that is not JSON, is not sent as JSON, or is too large, without a stack trace", async () => {
    const broken = await post("/local/api/command", "{ as: nope", "application/json");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ ok: false, error: "the request body is not valid JSON" });

    const plain = await post("/local/api/command", "help", "text/plain");
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({ ok: false, error: expect.stringContaining("JSON") });

    const big = await post("/local/api/command", { as: ANA.id, text: "x".repeat(70_000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ ok: false, error: "the request body is larger than 64kb" });
    expect(seen).toEqual([]);
  });

  it("answers 404 for a conversation of someone not on the roster, 400 without `as`", async () => {
    const unknown = await fetch(`${base}/local/api/conversation?as=nobody%40nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false });
    const missing = await fetch(`${base}/local/api/conversation`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ fields: { as: expect.any(String) } });
  });

  it("shows the clock and travels only to a valid instant", async () => {
    expect(await (await fetch(`${base}/local/api/clock`)).json()).toEqual({ now: clock.now().toISOString() });
    for (const to of ["tomorrow", "2026-09-02T07:45", "2026-13-40T00:00:00Z", 1_788_000_000_000]) {
      const res = await post("/local/api/time-travel", { to });
      expect(res.status, String(to)).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, fields: { to: expect.any(String) } });
    }
    expect(travelled).toEqual([]);

    const res = await post("/local/api/time-travel", { to: "2026-09-02T07:45:00-05:00" });
    expect(await res.json()).toEqual({ ok: true, now: "2026-09-02T12:45:00.000Z", delivered: 2 });
    expect(travelled).toEqual([new Date("2026-09-02T12:45:00Z")]);
    expect(await (await fetch(`${base}/local/api/clock`)).json()).toEqual({
      now: "2026-09-02T12:45:00.000Z",
    });
  });

  it("serves the page and its assets with the right content types and a strict CSP", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="/local/static/chat.js"');
    const js = await fetch(`${base}/local/static/chat.js`);
    expect(js.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    const css = await fetch(`${base}/local/static/chat.css`);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect((await fetch(`${base}/local/static/nothing.js`)).status).toBe(404);
  });

  it("the page never inserts markup from strings", () => {
    const source = readFileSync(new URL("../../adapters/local/public/chat.js", import.meta.url), "utf8");
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe("local delivery adapter", () => {
  const adapter = () => new LocalDeliveryAdapter(inbox, () => clock.now());

  it("delivers to a person's conversation once per key and updates a sent message by its ref", async () => {
    const local = adapter();
    const address = (await local.resolvePerson(ANA))!;
    expect(address).toEqual({ platform: "local", scope: "local", person: ANA.id });
    const first = await local.send(address, text("nudge:1", "Pick a time"));
    const again = await local.send(address, text("nudge:1", "Pick a time"));
    expect(again.ref).toBe(first.ref);
    await local.update(address, first.ref, text("nudge:1-done", "Time picked"));
    expect(shape(await conversation(ANA.id))).toEqual([["bot", "nudge:1-done"]]);
    await expect(local.update(address, "99999999", text("x", "x"))).rejects.toMatchObject({
      code: "DELIVERY_PERMANENT",
    });
  });

  it("gives a leadership channel a pseudo-person the people list then offers", async () => {
    const local = adapter();
    expect(await local.resolveChannel({})).toBeNull();
    const address = await local.resolveChannel({ slack: "C-LEAD", teams: "19:x" });
    expect(address).toEqual({ platform: "local", scope: "local", person: "channel:C-LEAD" });
    if (!address) throw new Error("unreachable");
    await local.send(address, text("digest:2026-09", "Monthly digest"));
    expect(await local.channels()).toEqual(["channel:C-LEAD"]);
    expect((await (await fetch(`${base}/local/api/people`)).json()).channels).toEqual(["channel:C-LEAD"]);
    expect(shape(await conversation("channel:C-LEAD"))).toEqual([["bot", "digest:2026-09"]]);
  });
});
