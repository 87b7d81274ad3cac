import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTeamsService, TENANT, type TeamsService, USERS } from "../integration/teams/harness.js";
import { FUZZ_RUNS, writeWatcher } from "./writes.js";

// Malformed and hostile activities to /api/messages (botbuilder without an app id, as the local
// Playground runs it): no crash, no 5xx, no stack trace, and a refused request writes nothing.

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "<at>coachbot</at> help",
    "**bold** [x](javascript:alert(1))",
    '{"type":"AdaptiveCard"}',
    "\u0000",
    "x".repeat(5000),
  ),
);
const mostly = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: odd, weight: 1 });
const people = Object.values(USERS);
const from = mostly(
  fc.constantFrom(...people).map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })),
  fc.record({ id: hostile, name: hostile, aadObjectId: hostile }, { requiredKeys: [] }),
);
const json = fc.jsonValue({ maxDepth: 3 });

let svc: TeamsService;
const activity = () =>
  fc.record(
    {
      type: fc.oneof(
        fc.constantFrom(
          "message",
          "invoke",
          "conversationUpdate",
          "installationUpdate",
          "messageReaction",
          "event",
        ),
        hostile,
      ),
      id: hostile,
      channelId: mostly(fc.constant("msteams"), hostile),
      // Only the fake connector or something that is not a URL: a reachable stranger would be SSRF, and is refused by the token check in production.
      serviceUrl: mostly(fc.constant(svc.fake.url), hostile),
      from,
      recipient: fc.constant({ id: "28:coachbot-app", name: "coachbot" }),
      conversation: fc.record(
        {
          id: mostly(fc.constantFrom(...people.map((u) => u.chat)), hostile),
          conversationType: fc.constantFrom("personal", "channel", "groupChat"),
          tenantId: mostly(fc.constant(TENANT), hostile),
        },
        { requiredKeys: ["id"] },
      ),
      text: hostile,
      value: fc.oneof(
        fc.record(
          {
            form: fc.constantFrom("obs.schedule", "fb.give", "fb.reflect", "cst.checkin"),
            context: hostile,
            date: hostile,
            glow: hostile,
          },
          { requiredKeys: [] },
        ),
        fc.record({
          action: fc.constantFrom("obs.pick-time", "obs.happened", "fb.reflect"),
          context: fc.oneof(fc.constant("prairie-valley/pv-grade3-peers-c1"), hostile),
        }),
        json,
      ),
      name: fc.oneof(fc.constantFrom("adaptiveCard/action", "task/fetch"), hostile),
      action: fc.constantFrom("add", "remove", "x"),
      membersAdded: fc.array(fc.record({ id: hostile }), { maxLength: 2 }),
      channelData: fc.oneof(fc.constant({ tenant: { id: TENANT } }), json),
    },
    // The envelope is usually well formed, so most cases reach the bot's own handling.
    { requiredKeys: ["type", "channelId", "serviceUrl", "from", "conversation", "recipient"] },
  );

beforeAll(async () => {
  svc = await startTeamsService("2026-09-14T15:00:00Z");
  await svc.at("2026-09-14T15:00:00Z");
});
afterAll(async () => svc?.close());

describe("fuzzing /api/messages", () => {
  it(`answers ${FUZZ_RUNS} hostile activities without a 5xx; refusals write nothing`, async () => {
    const watcher = writeWatcher(svc.dataFile);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            activity().map((a) => JSON.stringify(a)),
            fc.string(),
            json.map((j) => JSON.stringify(j)),
          ),
          async (body) => {
            const before = watcher.fingerprint();
            const res = await fetch(`${svc.base}/api/messages`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
            const text = await res.text();
            expect(res.status, text.slice(0, 200)).toBeLessThan(500);
            expect(text).not.toMatch(/at .+\.(ts|js):\d+/);
            if (res.status >= 400) expect(watcher.fingerprint()).toBe(before);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
    } finally {
      watcher.close();
    }
  }, 900_000);
});
