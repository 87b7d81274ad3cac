import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../helpers/local-service.js";
import { FUZZ_RUNS, writeWatcher } from "./writes.js";

// Thousands of malformed and hostile requests to the local chat API: no crash, no 5xx, and a
// refused request (4xx) writes nothing.

const EMILY = "emily.tran@prairievalley.example.org";
const ROUTES = ["command", "action", "submit", "time-travel"] as const;
const FORMS = ["obs.schedule", "obs.decline", "fb.give", "fb.reflect", "cst.checkin", "nope", ""];
const ACTIONS = [
  "obs.pick-time",
  "obs.decline",
  "obs.snooze",
  "obs.happened",
  "obs.cancel",
  "fb.open",
  "fb.reflect",
  "cst.log",
];

const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "<script>alert(1)</script>",
    "<!channel> <@U123> *bold* `code`",
    '{"type":"AdaptiveCard"}',
    "../../etc/passwd",
    "\u0000\uFFFF\uD800",
    "x".repeat(70_000),
    "prairie-valley/pv-grade3-peers-c1",
    "prairie-valley/../../x",
  ),
);
const who = fc.oneof(
  fc.constant(EMILY),
  fc.constant("stranger@example.org"),
  hostileText,
  fc.integer(),
  fc.constant(null),
);
const values = fc.dictionary(
  fc.oneof(
    fc.constantFrom("date", "time", "note", "glow", "grow", "evidence", "usefulness", "district", "topics"),
    fc.string(),
  ),
  fc.oneof(
    hostileText,
    fc.integer(),
    fc.array(hostileText, { maxLength: 3 }),
    fc.constant(null),
    fc.jsonValue(),
  ),
);

const body = fc.oneof(
  fc.record({ as: who, text: hostileText }, { requiredKeys: [] }),
  fc.record(
    { as: who, action: fc.oneof(fc.constantFrom(...ACTIONS), hostileText), context: hostileText },
    { requiredKeys: [] },
  ),
  fc.record(
    { as: who, form: fc.oneof(fc.constantFrom(...FORMS), hostileText), context: hostileText, values },
    { requiredKeys: [] },
  ),
  fc.record({
    to: fc.oneof(
      hostileText,
      fc.date().map((d) => (Number.isNaN(d.getTime()) ? "x" : d.toISOString())),
    ),
  }),
  fc.jsonValue(),
);
const raw = fc.oneof(
  body.map((b) => JSON.stringify(b)),
  fc.string(), // not JSON at all
  fc.constant('{"as":'), // truncated
);

let svc: LocalService;
let watcher: ReturnType<typeof writeWatcher>;
beforeAll(async () => {
  svc = await startLocalService("2026-09-14T15:00:00Z");
  await svc.travel("2026-09-14T15:00:00Z"); // prompts exist: contexts can point at real cycles
  watcher = writeWatcher(svc.dataFile);
});
afterAll(async () => {
  watcher?.close();
  await svc?.close();
});

describe("fuzzing the local chat API", () => {
  it(`answers ${FUZZ_RUNS} hostile requests without a 5xx, and refusals write nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), raw, fc.boolean(), async (route, payload, asJson) => {
        // Time travel writes the clock and runs the scheduler: only refused ones are fuzzed here.
        const before = watcher.fingerprint();
        const res = await fetch(`${svc.base}/local/api/${route}`, {
          method: "POST",
          headers: { "content-type": asJson ? "application/json" : "text/plain" },
          body: route === "time-travel" ? payload.replace(/"to":"\d{4}-/, '"to":"bad-') : payload,
        });
        const text = await res.text();
        expect(res.status, text.slice(0, 200)).toBeLessThan(500);
        expect(text).not.toMatch(/at .+\.(ts|js):\d+/); // no stack traces
        if (res.status >= 400) expect(watcher.fingerprint()).toBe(before);
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, 600_000);

  it("sends conversation queries with hostile `as` values without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (as) => {
        // Percent-encode the raw bytes: encodeURIComponent itself throws on a lone surrogate.
        const query = [...Buffer.from(as)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
        const res = await fetch(`${svc.base}/local/api/conversation?as=${query}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: Math.min(FUZZ_RUNS, 1000) },
    );
  }, 120_000);
});
