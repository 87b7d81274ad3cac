import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Address, conversationOf, type DeliveryAdapter, DeliveryError } from "../../../src/adapter.js";
import type { ChannelRefs, Person } from "../../../src/domain/model.js";
import { createMetrics } from "../../../src/metrics.js";
import { createDelivery, type DeliveryPolicy } from "../../../src/scheduler/delivery.js";
import { DEFAULT_LIMITS, WINDOW_MARGIN_MS } from "../../../src/scheduler/ratelimit.js";
import type { NewOutboxEntry, Store } from "../../../src/store/port.js";
import type { Message } from "../../../src/ui/model.js";
import { captureLogger, openTempStore, T0 } from "./fixtures.js";

const D = "hillcrest";
const SECRET_TEXT = "Ben struggled with transitions today";

interface Call {
  op: "send" | "update";
  at: number;
  address: Address;
  key: string;
  ref?: string;
}

/** Our own DeliveryAdapter, in memory: records every call with its time and fails on demand. */
class MemoryAdapter implements DeliveryAdapter {
  readonly calls: Call[] = [];
  /** Called before a send resolves: lets a test hold one scope's calls. */
  gate: (address: Address) => Promise<void> = async () => {};
  private readonly failures = new Map<string, Error[]>();
  private sent = 0;

  constructor(
    readonly platform: "slack" | "teams",
    private readonly now: () => number,
    private readonly people: Record<string, Address>,
    private readonly channels: Record<string, Address> = {},
  ) {}

  async resolvePerson(person: Person, _opts?: { linkedOnly?: boolean }): Promise<Address | null> {
    return this.people[person.id] ?? null;
  }
  async resolveChannel(channel: ChannelRefs): Promise<Address | null> {
    const id = channel[this.platform];
    return id ? (this.channels[id] ?? null) : null;
  }
  /** The next calls for this message key throw these, in order. */
  fail(messageKey: string, ...errors: Error[]): void {
    this.failures.set(messageKey, [...(this.failures.get(messageKey) ?? []), ...errors]);
  }
  send(address: Address, message: Message): Promise<{ ref: string }> {
    return this.call({ op: "send", at: this.now(), address, key: message.key });
  }
  update(address: Address, ref: string, message: Message): Promise<{ ref: string }> {
    return this.call({ op: "update", at: this.now(), address, key: message.key, ref });
  }
  private async call(call: Call): Promise<{ ref: string }> {
    this.calls.push(call);
    await this.gate(call.address);
    const failure = this.failures.get(call.key)?.shift();
    if (failure) throw failure;
    return { ref: `${this.platform}-${++this.sent}` };
  }
}

const person = (id: string): Person => ({
  id,
  email: id,
  name: id,
  districtId: D,
  roles: ["teacher"],
  teams: [],
});
const PEOPLE: Record<string, Person> = Object.fromEntries(
  ["ana@hillcrest.org", "ben@hillcrest.org", "cara@eastside.org", "dan@hillcrest.org"].map((id) => [
    id,
    person(id),
  ]),
);
const SLACK_PEOPLE: Record<string, Address> = {
  "ana@hillcrest.org": { platform: "slack", scope: "T1", channel: "D-ana" },
  "ben@hillcrest.org": { platform: "slack", scope: "T1", channel: "D-ben" },
  "cara@eastside.org": { platform: "slack", scope: "T2", channel: "D-cara" },
};

function message(key: string, replaces?: string): Message {
  return {
    key,
    summary: SECRET_TEXT,
    blocks: [{ kind: "text", text: SECRET_TEXT }],
    ...(replaces ? { replaces } : {}),
  };
}

let store: Store;
let dispose: () => Promise<void>;
let t: number;
const now = () => t;
let sleeps: number[];
beforeEach(() => {
  ({ store, dispose } = openTempStore());
  t = T0;
  sleeps = [];
});
afterEach(() => dispose());

async function enqueue(key: string, to: NewOutboxEntry["to"], replaces?: string): Promise<void> {
  await store.apply({
    districtId: D,
    outbox: [{ key, districtId: D, to, message: message(key, replaces), notBeforeMs: t }],
  });
}
const toPerson = (id: string) => ({ person: id });

function setup(
  options: { withTeams?: boolean; policy?: Partial<DeliveryPolicy>; random?: () => number } = {},
) {
  const slack = new MemoryAdapter("slack", now, SLACK_PEOPLE, {
    "C-leaders": { platform: "slack", scope: "T1", channel: "C-leaders" },
  });
  // A Teams adapter that reaches nobody: lets a test see both platforms named in a dead reason.
  const adapters: DeliveryAdapter[] = options.withTeams
    ? [slack, new MemoryAdapter("teams", now, {})]
    : [slack];
  const log = captureLogger();
  const metrics = createMetrics();
  const delivery = createDelivery({
    store,
    adapters,
    people: async (id) => PEOPLE[id] ?? null,
    limits: DEFAULT_LIMITS,
    logger: log.logger,
    metrics,
    now,
    random: options.random ?? (() => 0.5),
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    policy: options.policy,
  });
  return { delivery, slack, log, metrics };
}

const counter = async (
  metric: { get(): Promise<{ values: { value: number; labels: object }[] }> },
  platform: string,
) =>
  (await metric.get()).values.find((v) => (v.labels as { platform?: string }).platform === platform)?.value ??
  0;

describe("delivery", () => {
  it("marks an entry sent only once the adapter has resolved, and logs its key but never its text", async () => {
    const { delivery, slack, log, metrics } = setup();
    let release = () => {};
    slack.gate = () => new Promise<void>((resolve) => (release = resolve));
    await enqueue("m1", toPerson("ana@hillcrest.org"));

    const run = delivery.runOnce();
    await vi.waitFor(() => expect(slack.calls).toHaveLength(1));
    expect(await store.getOutbox(D, "m1")).toMatchObject({ state: "pending" });
    release();
    expect(await run).toMatchObject({ claimed: 1, sent: 1 });

    expect(await store.getOutbox(D, "m1")).toMatchObject({
      state: "sent",
      platformRef: "slack-1",
      sentMs: T0,
    });
    expect(slack.calls[0]).toMatchObject({ op: "send", address: SLACK_PEOPLE["ana@hillcrest.org"] });
    expect(await counter(metrics.messagesSent, "slack")).toBe(1);
    expect((await metrics.outboxQueued.get()).values[0]?.value).toBe(0);
    expect(log.lines().some((l) => l.key === "m1")).toBe(true);
    expect(log.text()).not.toContain(SECRET_TEXT);
  });

  it("honours Retry-After: no call to that workspace until it passes, while another workspace is served", async () => {
    const { delivery, slack, metrics } = setup();
    slack.fail("ana-0", new DeliveryError("retry", "429 ratelimited", 30_000));
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));
    await enqueue("ben-0", toPerson("ben@hillcrest.org"));
    await enqueue("cara-0", toPerson("cara@eastside.org"));

    expect(await delivery.runOnce()).toMatchObject({ claimed: 3, sent: 1, retried: 1, deferred: 1 });
    expect(await store.getOutbox(D, "ana-0")).toMatchObject({ state: "pending", nextAttemptMs: T0 + 30_000 });
    expect(await counter(metrics.messagesRetried, "slack")).toBe(1);

    for (let i = 1; i <= 12; i++) {
      t += 5_000;
      await enqueue(`ben-${i}`, toPerson("ben@hillcrest.org"));
      await enqueue(`cara-${i}`, toPerson("cara@eastside.org"));
      await delivery.runOnce();
    }
    for (let i = 0; i < 30 && (await store.outboxCounts()).pending > 0; i++) {
      t += 1_000;
      await delivery.runOnce();
    }

    const t1 = slack.calls.filter((c) => c.address.scope === "T1");
    const t2 = slack.calls.filter((c) => c.address.scope === "T2");
    expect(t1[0]).toMatchObject({ key: "ana-0", at: T0 });
    expect(t1.slice(1).every((c) => c.at >= T0 + 30_000)).toBe(true);
    expect(t2.filter((c) => c.at < T0 + 30_000).length).toBeGreaterThanOrEqual(6);
    expect(await store.outboxCounts()).toEqual({ pending: 0, sent: 27, dead: 0 });
    // 1 per second per channel held throughout.
    for (const channel of ["D-ana", "D-ben", "D-cara"]) {
      const times = slack.calls.filter((c) => conversationOf(c.address) === channel).map((c) => c.at);
      expect(times.every((at, i) => i === 0 || at - times[i - 1]! >= 1_000)).toBe(true);
    }
  });

  it("serves scopes concurrently: a slow workspace does not hold up another", async () => {
    const { delivery, slack } = setup();
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    slack.gate = (address) => (address.scope === "T1" ? blocked : Promise.resolve());
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));
    await enqueue("cara-0", toPerson("cara@eastside.org"));

    const run = delivery.runOnce();
    await vi.waitFor(async () => expect(await store.getOutbox(D, "cara-0")).toMatchObject({ state: "sent" }));
    expect(await store.getOutbox(D, "ana-0")).toMatchObject({ state: "pending" });
    release();
    expect(await run).toMatchObject({ sent: 2 });
  });

  it("serves every scope of a claim at once, but never more than `concurrency` sends in flight", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}@hillcrest.org`);
    const slack = new MemoryAdapter(
      "slack",
      now,
      Object.fromEntries(ids.map((id, i) => [id, { platform: "slack", scope: `T${i}`, channel: `D${i}` }])),
    );
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    slack.gate = () => blocked;
    const delivery = createDelivery({
      store,
      adapters: [slack],
      people: async (id) => person(id),
      limits: DEFAULT_LIMITS,
      logger: captureLogger().logger,
      now,
      policy: { concurrency: 3 },
    });
    for (const id of ids) await enqueue(`m-${id}`, toPerson(id));

    const run = delivery.runOnce();
    await vi.waitFor(() => expect(slack.calls).toHaveLength(3));
    // Held sends keep their slots: nothing else starts while they are out.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(slack.calls).toHaveLength(3);
    expect(new Set(slack.calls.map((c) => c.address.scope)).size).toBe(3);
    release();
    expect(await run).toMatchObject({ claimed: 10, sent: 10 });
    expect(new Set(slack.calls.map((c) => c.address.scope)).size).toBe(10);
  });

  it("reaches someone where they are already linked before searching for them on an earlier platform", async () => {
    const searched: string[] = [];
    const slack = new MemoryAdapter("slack", now, {});
    slack.resolvePerson = async (p, opts) => {
      if (!opts?.linkedOnly) searched.push(p.id);
      return null;
    };
    const teams = new MemoryAdapter("teams", now, {
      "ana@hillcrest.org": { platform: "teams", scope: "tenant-1", conversation: "personal:ana" },
    });
    const delivery = createDelivery({
      store,
      adapters: [slack, teams],
      people: async (id) => PEOPLE[id] ?? null,
      limits: DEFAULT_LIMITS,
      logger: captureLogger().logger,
      now,
    });
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));
    await enqueue("ben-0", toPerson("ben@hillcrest.org"));
    expect(await delivery.runOnce()).toMatchObject({ sent: 1, dead: 1 });
    expect(teams.calls.map((c) => c.key)).toEqual(["ana-0"]);
    // Ana is linked on Teams: Slack is never asked to look for her; Ben is linked nowhere, so it is.
    expect(searched).toEqual(["ben@hillcrest.org"]);
  });

  it("keeps 1 message per second per Slack channel within a run, sleeping rather than spinning", async () => {
    const { delivery, slack } = setup({ policy: { holdMs: 2_200 } });
    for (let i = 0; i < 4; i++) await enqueue(`ana-${i}`, toPerson("ana@hillcrest.org"));
    const second = 1_000 + WINDOW_MARGIN_MS;

    expect(await delivery.runOnce()).toMatchObject({ claimed: 4, sent: 3, deferred: 1 });
    expect(slack.calls.map((c) => c.at)).toEqual([T0, T0 + second, T0 + 2 * second]);
    expect(sleeps).toEqual([second, second]);
    // Handed back for the moment the channel frees up, not as a failure.
    expect(await store.getOutbox(D, "ana-3")).toMatchObject({
      state: "pending",
      nextAttemptMs: T0 + 3 * second,
      lastError: "waiting for the rate limit of slack:T1",
    });

    t = T0 + 3 * second;
    expect(await delivery.runOnce()).toMatchObject({ sent: 1 });
    expect(slack.calls.at(-1)).toMatchObject({ key: "ana-3", at: T0 + 3 * second });
  });

  it("a permanent error sends the entry to the dead list with the platform's reason", async () => {
    const { delivery, slack, metrics } = setup();
    slack.fail("ana-0", new DeliveryError("permanent", "channel_not_found"));
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));

    expect(await delivery.runOnce()).toMatchObject({ dead: 1, retried: 0 });

    const [dead] = await store.listOutbox("dead", 10);
    expect(dead).toMatchObject({ key: "ana-0", lastError: "Slack refused it: channel_not_found" });
    expect(slack.calls).toHaveLength(1);
    expect(await counter(metrics.messagesDead, "slack")).toBe(1);
  });

  it("gives up after maxAttempts, with backoff between attempts", async () => {
    const { delivery, slack, metrics } = setup({ policy: { maxAttempts: 3 } });
    const unavailable = () => new DeliveryError("retry", "503 Service Unavailable");
    slack.fail("ana-0", unavailable(), unavailable(), unavailable());
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));

    const gaps: number[] = [];
    for (let run = 0; run < 3; run++) {
      await delivery.runOnce();
      const entry = (await store.getOutbox(D, "ana-0"))!;
      if (entry.state === "pending") {
        gaps.push(entry.nextAttemptMs - t);
        t = entry.nextAttemptMs;
      }
    }

    // Full jitter at random() = 0.5: half of 1 s, then half of 2 s.
    expect(gaps).toEqual([500, 1_000]);
    expect(slack.calls).toHaveLength(3);
    expect(await store.getOutbox(D, "ana-0")).toMatchObject({
      state: "dead",
      lastError: "gave up after 3 attempts; last error: 503 Service Unavailable",
    });
    expect(await counter(metrics.messagesRetried, "slack")).toBe(2);
    expect(await counter(metrics.messagesDead, "slack")).toBe(1);
  });

  it("bounds the exponential backoff by its cap", async () => {
    const { delivery, slack } = setup({
      policy: { maxAttempts: 20, backoffCapMs: 60_000 },
      random: () => 0.999,
    });
    slack.fail("ana-0", ...Array.from({ length: 12 }, () => new DeliveryError("retry", "socket hang up")));
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));

    const gaps: number[] = [];
    for (let run = 0; run < 12; run++) {
      await delivery.runOnce();
      const entry = (await store.getOutbox(D, "ana-0"))!;
      gaps.push(entry.nextAttemptMs - t);
      t = entry.nextAttemptMs;
    }

    expect(gaps.slice(0, 4)).toEqual([999, 1_998, 3_996, 7_992]);
    expect(Math.max(...gaps)).toBe(59_940);
  });

  it("a person with no account on any adapter, or gone from the roster, is dead with a reason an operator understands", async () => {
    const { delivery } = setup({ withTeams: true });
    await enqueue("dan-0", toPerson("dan@hillcrest.org"));
    await enqueue("gone-0", toPerson("eve@hillcrest.org"));
    await enqueue("leaders-0", { channel: { teams: "19:leaders" } });

    expect(await delivery.runOnce()).toMatchObject({ dead: 3, sent: 0 });

    const reasons = Object.fromEntries((await store.listOutbox("dead", 10)).map((e) => [e.key, e.lastError]));
    expect(reasons["dan-0"]).toMatch(/^no Slack or Teams account linked for dan@hillcrest\.org: /);
    expect(reasons["gone-0"]).toBe("eve@hillcrest.org is no longer in the roster");
    expect(reasons["leaders-0"]).toMatch(/^no Slack or Teams channel reachable for teams 19:leaders: /);
  });

  it("sends to a leadership channel through the first adapter that knows it", async () => {
    const { delivery, slack } = setup();
    await enqueue("digest-0", { channel: { slack: "C-leaders", teams: "19:leaders" } });

    expect(await delivery.runOnce()).toMatchObject({ sent: 1 });
    expect(slack.calls[0]?.address).toEqual({ platform: "slack", scope: "T1", channel: "C-leaders" });
  });

  it("updates the earlier message in place when the entry replaces one already sent", async () => {
    const { delivery, slack } = setup();
    await enqueue("card-1", toPerson("ana@hillcrest.org"));
    await delivery.runOnce();
    t += 1_000;
    await enqueue("card-1-used", toPerson("ana@hillcrest.org"), "card-1");
    await enqueue("card-2-used", toPerson("ben@hillcrest.org"), "card-2-never-sent");

    expect(await delivery.runOnce()).toMatchObject({ sent: 2 });

    expect(slack.calls.find((c) => c.key === "card-1-used")).toMatchObject({ op: "update", ref: "slack-1" });
    expect(slack.calls.find((c) => c.key === "card-2-used")).toMatchObject({ op: "send" });
    expect(await store.getOutbox(D, "card-1-used")).toMatchObject({ state: "sent" });
  });

  it("start() keeps delivering until stop(), which waits for the run in flight", async () => {
    const { delivery, slack } = setup();
    const claim = vi.spyOn(store, "claimOutbox");
    await enqueue("ana-0", toPerson("ana@hillcrest.org"));

    delivery.start(5);
    await vi.waitFor(async () => expect(await store.getOutbox(D, "ana-0")).toMatchObject({ state: "sent" }));
    await delivery.stop();
    const runs = claim.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(claim.mock.calls.length).toBe(runs);
    expect(slack.calls).toHaveLength(1);
  });

  it("wake() sends what was just enqueued without waiting for the interval", async () => {
    const { delivery, slack } = setup();
    delivery.start(60_000);
    await vi.waitFor(() => expect(slack.calls).toHaveLength(0));
    await enqueue("ben-0", toPerson("ben@hillcrest.org"));
    delivery.wake();
    await vi.waitFor(async () => expect(await store.getOutbox(D, "ben-0")).toMatchObject({ state: "sent" }), {
      timeout: 2_000,
    });
    await delivery.stop();
    expect(slack.calls.map((c) => c.key)).toEqual(["ben-0"]);
  });
});
