import { describe, expect, it, vi } from "vitest";
import type { Store } from "../../../src/store/port.js";
import { dmChannel, type FakeSlack } from "../../fixtures/fake-slack.js";
import { DEMO_TEAM, demoTestbed, eventually, USERS } from "./harness.js";

// Only Slack gets in: a request with a wrong or missing signature, or a timestamp more than five
// minutes away from now (either way), is refused with 401 before any handler runs.

const ETHAN = USERS.ethan;
const WRITES = ["putDoc", "deleteDoc", "apply", "claimOnce", "replaceRoster"] as const;

const t = demoTestbed([ETHAN]);
/** A DM that, if let in, would be answered (a Web API call) and deduplicated (a store write). */
function dmBody(): string {
  return JSON.stringify({
    team_id: DEMO_TEAM,
    api_app_id: "A0COACHBOT",
    type: "event_callback",
    event_id: `EvSIG${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: "message",
      channel_type: "im",
      channel: dmChannel(ETHAN.id),
      user: ETHAN.id,
      text: "help",
      ts: "1.000001",
    },
  });
}

describe("request signatures", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Parameters<FakeSlack["send"]>[1]][] = [
    ["a wrong signature", () => ({ secret: "not-the-signing-secret" })],
    ["no signature headers", () => ({ unsigned: true })],
    ["a timestamp 6 minutes old", () => ({ timestamp: now() - 6 * 60 })],
    ["a timestamp 6 minutes in the future", () => ({ timestamp: now() + 6 * 60 })],
  ];

  for (const [what, opts] of cases) {
    it(`refuses ${what} with 401, before any handler runs`, async () => {
      const store = t.slack.service.store as Store;
      const spies = WRITES.map((m) => vi.spyOn(store, m));
      const calls = t.fake.calls.length;
      try {
        const event = await t.fake.send(dmBody(), opts());
        const command = await t.fake.send(
          new URLSearchParams({
            command: "/coach",
            text: "status",
            team_id: DEMO_TEAM,
            user_id: ETHAN.id,
          }).toString(),
          {
            ...opts(),
            contentType: "application/x-www-form-urlencoded",
          },
        );
        expect([event.status, command.status]).toEqual([401, 401]);
        await new Promise((r) => setTimeout(r, 200));
        expect(t.fake.calls.slice(calls)).toEqual([]);
        for (const spy of spies) expect(spy, spy.getMockName()).not.toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  }

  it("answers Slack's URL verification and SSL check itself, writing nothing", async () => {
    const store = t.slack.service.store as Store;
    const spies = WRITES.map((m) => vi.spyOn(store, m));
    try {
      const verify = await t.fake.send(JSON.stringify({ type: "url_verification", challenge: "c-42" }));
      expect(verify.status).toBe(200);
      expect(JSON.parse(verify.body)).toEqual({ challenge: "c-42" });
      const ssl = await t.fake.send("ssl_check=1&token=legacy", {
        contentType: "application/x-www-form-urlencoded",
      });
      expect([ssl.status, ssl.body]).toEqual([200, ""]);
      for (const spy of spies) expect(spy, spy.getMockName()).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("lets the same request in when Slack signed it just now", async () => {
    const res = await t.fake.send(dmBody());
    expect(res.status).toBe(200);
    await eventually(() => t.fake.callsTo("chat.postMessage").length === 1);
  });
});
