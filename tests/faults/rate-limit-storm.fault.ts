// Slack answers 429 (Retry-After: 2) to a third of the calls. Every message still arrives, none
// twice, none dead, and no call reaches a workspace inside a Retry-After window it was given. The
// 429s cost the messages no attempt, and /metrics accounts for all of it. People are linked first
// (their prompts, before the storm): the storm is on the sends themselves.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dmChannel } from "../fixtures/fake-slack.js";
import { slackTestbed } from "../integration/slack/harness.js";
import { acceptedPosts, makeWorld, OAUTH_ENV, repeated, seedStore } from "./world.js";

const RETRY_AFTER_SEC = 2;
const NOTES_PER_PERSON = 2;
const world = makeWorld({ districts: 3, people: 6, firstDay: () => "2026-08-17" });
const dir = mkdtempSync(join(tmpdir(), "coachbot-storm-"));
writeFileSync(join(dir, "roster.yaml"), world.roster);

const t = slackTestbed({
  workspaces: world.workspaces,
  env: { ...OAUTH_ENV, ROSTER_FILE: join(dir, "roster.yaml") },
});

describe("a 429 storm", () => {
  beforeAll(async () => {
    await seedStore(t.slack.service.store, world);
    await t.slack.at("2026-09-14T12:00:00Z");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("delivers everything once, honouring every Retry-After per workspace", async () => {
    expect(acceptedPosts(t.fake).byChannel.size).toBe(world.people);
    const from = t.fake.calls.length;
    t.fake.rateLimit({ share: 1 / 3, retryAfterSec: RETRY_AFTER_SEC });
    const keys: string[] = [];
    for (let n = 0; n < NOTES_PER_PERSON; n++) {
      for (const w of world.workspaces) {
        for (const user of w.users) {
          const key = `note ${n} for ${user.id}`;
          keys.push(key);
          await t.slack.enqueue(w.districtId, { person: user.email }, key);
        }
      }
    }
    const started = Date.now();
    await t.slack.drain(120_000);
    t.fake.calm();

    const calls = t.fake.calls.slice(from);
    const refused = calls.filter((c) => c.status === 429);
    const early = refused.flatMap((r) =>
      calls.filter((c) => c.teamId === r.teamId && c.at > r.at && c.at < r.at + RETRY_AFTER_SEC * 1000),
    );
    const notes = acceptedPosts(t.fake).byKey;
    const entries = await t.slack.service.store.listOutbox("sent", 1000);
    console.log(
      `storm: ${keys.length} notes in ${Date.now() - started} ms; ` +
        `${calls.length} calls, ${refused.length} answered 429`,
    );
    expect(refused.length).toBeGreaterThan(keys.length / 4);
    expect(early).toEqual([]);
    expect(keys.filter((key) => notes.get(key) !== 1)).toEqual([]);
    expect(repeated(notes)).toEqual([]);
    expect(await t.slack.service.store.outboxCounts()).toMatchObject({ pending: 0, dead: 0 });
    // A 429 is a wait, not a failure: every note was sent on its one counted attempt.
    expect(entries.filter((e) => keys.includes(e.key) && e.attempts !== 1)).toEqual([]);
    expect(t.fake.channel(dmChannel(world.workspaces[0]!.users[0]!.id))).toHaveLength(1 + NOTES_PER_PERSON);

    // The service's own account: every send (prompts and notes), every 429 as a retry, and the waits.
    const metrics = await (await fetch(`${t.slack.base}/metrics`)).text();
    const value = (series: string) =>
      Number(
        metrics
          .split("\n")
          .find((line) => line.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    expect(value('coachbot_messages_sent_total{platform="slack"}')).toBe(world.people + keys.length);
    expect(value('coachbot_messages_retried_total{platform="slack"}')).toBe(refused.length);
    expect(value('coachbot_messages_deferred_total{platform="slack"}')).toBeGreaterThan(0);
    expect(value('coachbot_messages_dead_total{platform="slack"}')).toBe(0);
    expect(value("coachbot_outbox_queued")).toBeGreaterThanOrEqual(0);
    expect(value("coachbot_tick_duration_seconds_count")).toBeGreaterThanOrEqual(1);
  });
});
