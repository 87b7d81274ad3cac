// The shared Store: Redis, for several bot processes. Each district's keys carry the `{districtId}`
// hash tag, so one ChangeSet is one Lua script in one cluster slot; a few global keys (roster, docs,
// once, locks, the district set) are single-key operations.
import { createHash, randomUUID } from "node:crypto";
import { type ChainableCommander, Redis, type RedisOptions } from "ioredis";
import type { Contact, Cycle, FeedbackFacts, Roster } from "../domain/model.js";
import { StoreConflictError } from "../errors.js";
import type { ChangeSet, DueItem, LeasedDue, OutboxEntry, OutboxState, Store } from "./port.js";
import {
  assertChangeSet,
  assertLease,
  cycleTouchedMs,
  instantMs,
  joinFeedback,
  OUTBOX_STATES,
  type OutboxOutcome,
  outboxBody,
  outboxEntry,
  outboxOutcome,
  splitFeedback,
  zeroOutboxCounts,
} from "./shared.js";

export interface RedisStoreOptions {
  url?: string;
  /** An existing connection (it stays open on close()). It must not set ioredis's keyPrefix: use `prefix`. */
  client?: Redis;
  /** Namespace of every key; default "cb:". */
  prefix?: string;
  /** Connection errors go here instead of crashing the process; default console.error. */
  onError?: (err: Error) => void;
}

function districtKeys(prefix: string, districtId: string) {
  // A brace in the id would change which part of the key Redis hashes to pick the slot.
  if (/[{}]/.test(districtId)) throw new Error(`district id "${districtId}" must not contain { or }`);
  const p = `${prefix}{${districtId}}:`;
  return {
    cycle: (id: string) => `${p}cycle:${id}`,
    cyclesOfPerson: (personId: string) => `${p}cycles:person:${personId}`,
    cyclesOfGroup: (groupId: string) => `${p}cycles:group:${groupId}`,
    cyclesByPrompt: `${p}cycles:prompted`,
    /** Every cycle, scored by its touched time (cycleTouchedMs), for cyclesTouchedInDistrict. */
    cyclesByTouch: `${p}cycles:touched`,
    /** Set once cyclesByTouch holds every cycle (the cycles written before it existed added too). */
    cyclesByTouchComplete: `${p}cycles:touched:complete`,
    feedback: (cycleId: string) => `${p}feedback:${cycleId}`,
    feedbackByGiven: `${p}feedback:given`,
    contacts: `${p}contacts`,
    due: `${p}due`,
    dueItem: (key: string) => `${p}due:item:${key}`,
    outbox: (key: string) => `${p}outbox:entry:${key}`,
    /** ZSET per state: pending scored by next attempt, sent and dead by the time they got there. */
    outboxIn: (state: OutboxState) => `${p}outbox:${state}`,
  };
}
type DistrictKeys = ReturnType<typeof districtKeys>;

/** The indexes a cycle is listed in (a ZSET each, scored by its prompt time). */
const cycleIndexes = (dk: DistrictKeys, c: Cycle) => [
  dk.cyclesOfPerson(c.observerId),
  dk.cyclesOfPerson(c.observedId),
  dk.cyclesOfGroup(c.groupId),
  dk.cyclesByPrompt,
];

/** A Lua script called by SHA; its source is sent only when the server does not know it yet. */
function lua(source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
      return client.eval(source, keys.length, ...keys, ...args);
    }
  };
}

/**
 * ARGV[1]: {guards: [[cycleKey, expectedVersion]], writes: [[cmd, ...]], inserts: [{key, cmds}]}.
 * Every guard is checked before anything is written, so a stale version writes nothing; returns
 * the 1-based index of the failed guard, or 0. An insert runs only when its key does not exist yet.
 */
const applyPlan = lua(`
local plan = cjson.decode(ARGV[1])
for i, g in ipairs(plan.guards) do
  if tonumber(redis.call('HGET', g[1], 'version') or 0) ~= tonumber(g[2]) then return i end
end
for _, c in ipairs(plan.writes) do redis.call(unpack(c)) end
for _, ins in ipairs(plan.inserts) do
  if redis.call('EXISTS', ins.key) == 0 then
    for _, c in ipairs(ins.cmds) do redis.call(unpack(c)) end
  end
end
return 0`);

/**
 * Leases the members a taker peeked, skipping any that another taker moved since.
 * KEYS[1]: a ZSET scored by due time; KEYS[1 + j]: the hash of member j.
 * ARGV[1]: lease end; ARGV[2]: '1' when a lease counts as a delivery attempt (outbox);
 * ARGV[1 + 2j], ARGV[2 + 2j]: member j and the score it was peeked at.
 */
const leasePeeked = lua(`
local taken = {}
for j = 1, #KEYS - 1 do
  local member = ARGV[1 + 2 * j]
  local score = redis.call('ZSCORE', KEYS[1], member)
  if score and tonumber(score) == tonumber(ARGV[2 + 2 * j]) then
    redis.call('ZADD', KEYS[1], ARGV[1], member)
    if ARGV[2] == '1' then
      redis.call('HINCRBY', KEYS[1 + j], 'attempts', 1)
      redis.call('HSET', KEYS[1 + j], 'leaseUntilMs', ARGV[1], 'nextAttemptMs', ARGV[1])
    end
    taken[#taken + 1] = {member, redis.call('HGETALL', KEYS[1 + j])}
  end
end
return taken`);

/**
 * KEYS: the touched ZSET, the prompted ZSET. ARGV: from, to (ms). The cycles touched at or after
 * `from` and prompted before `to`, as a flat [id, promptedMs, ...]: one round trip, whatever the
 * district's history before `from`.
 */
const touchedPromptedBefore = lua(`
local out = {}
local to = tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')) do
  local prompted = redis.call('ZSCORE', KEYS[2], id)
  if prompted and tonumber(prompted) < to then
    out[#out + 1] = id
    out[#out + 1] = prompted
  end
end
return out`);

/** KEYS: due ZSET, item hash. ARGV: member, lease time. Removes only what the lease still holds. */
const completeLeased = lua(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
end
return 0`);

/**
 * KEYS: entry hash, pending ZSET, the new state's ZSET. ARGV: member, the caller's lease ('' for
 * none), new state, order score, then field/value pairs. A stale claimer changes nothing.
 */
const markOutbox = lua(`
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if (redis.call('HGET', KEYS[1], 'leaseUntilMs') or '') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'leaseUntilMs')
redis.call('HSET', KEYS[1], 'state', ARGV[3], unpack(ARGV, 5))
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1`);

/** KEYS: lock. ARGV: token, ttl ms (renew) — extends or deletes only while the token holds it. */
const renewIfHeld = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);
const releaseIfHeld = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

async function results(pipe: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipe.exec()) ?? [];
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

/** [a, 1, b, 2] (a WITHSCORES or HGETALL reply) as [[a, 1], [b, 2]]. */
const pairs = (flat: string[]) => {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
};
const pairsOf = (flat: string[]) => Object.fromEntries(pairs(flat));

const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));

function dueItem(p: Peeked, hash: Record<string, string>): DueItem {
  return {
    key: p.member,
    districtId: p.districtId,
    atMs: p.score,
    kind: hash.kind!,
    payload: JSON.parse(hash.payload!),
  };
}

function fromOutboxHash(h: Record<string, string>): OutboxEntry {
  return outboxEntry(h.body!, {
    state: h.state as OutboxState,
    attempts: Number(h.attempts),
    nextAttemptMs: Number(h.nextAttemptMs),
    leaseUntilMs: num(h.leaseUntilMs),
    sentMs: num(h.sentMs),
    platformRef: h.platformRef,
    lastError: h.lastError,
  });
}

/** An item seen in a district's ZSET. The order (time, member, district) is SQLite's too. */
interface Peeked {
  districtId: string;
  member: string;
  score: number;
  /** Its place in its own district's index (for taking districts in turn). */
  turn?: number;
}
const byTime = (a: Peeked, b: Peeked) =>
  a.score - b.score ||
  (a.member < b.member ? -1 : a.member > b.member ? 1 : 0) ||
  (a.districtId < b.districtId ? -1 : a.districtId > b.districtId ? 1 : 0);
const byTurn = (a: Peeked, b: Peeked) => (a.turn ?? 0) - (b.turn ?? 0) || byTime(a, b);

/**
 * A created client's: through an outage it reconnects for ever (ioredis's backoff, 50 ms steps up to
 * 2 s), but callers see the outage promptly. A command made while disconnected fails after 2
 * reconnects; one that gets no answer fails after 3 s (a Slack interaction must be answered within
 * 3); a connection that stops answering (a hung server, a dropped route: nothing closes it) is cut
 * after 5 s, so the client reconnects instead of waiting on it.
 */
const CLIENT_OPTIONS: RedisOptions = { maxRetriesPerRequest: 2, commandTimeout: 3_000, socketTimeout: 5_000 };

export function openRedisStore(opts: RedisStoreOptions): Store {
  const prefix = opts.prefix ?? "cb:";
  const ownsClient = !opts.client;
  const client = opts.client ?? new Redis(opts.url ?? "redis://127.0.0.1:6379", CLIENT_OPTIONS);
  if (ownsClient || opts.onError) {
    client.on("error", opts.onError ?? ((err: Error) => console.error(`redis store: ${err.message}`)));
  }

  const k = {
    districts: `${prefix}districts`,
    roster: `${prefix}roster`,
    rosterRevision: `${prefix}roster:revision`,
    docs: (ns: string) => `${prefix}doc:${ns}`,
    once: (key: string) => `${prefix}once:${key}`,
    lock: (key: string) => `${prefix}lock:${key}`,
    of: (districtId: string) => districtKeys(prefix, districtId),
  };

  /** One command per known district in one pipeline: O(districts), never a scan of items. */
  async function eachDistrict<T>(command: (pipe: ChainableCommander, dk: DistrictKeys) => unknown) {
    const districts = await client.smembers(k.districts);
    const pipe = client.pipeline();
    for (const d of districts) command(pipe, k.of(d));
    const replies = await results(pipe);
    return districts.map((districtId, i) => ({ districtId, reply: replies[i] as T }));
  }

  /**
   * The first `limit` members of every district's ZSET, merged in time order (or descending); `inTurn`: districts take
   * turns (each one's first, then each one's second...), as SQLite's claim does.
   */
  async function merged(
    index: (dk: DistrictKeys) => string,
    limit: number,
    read: (pipe: ChainableCommander, key: string) => unknown,
    order: { descending?: boolean; inTurn?: boolean } = {},
  ): Promise<Peeked[]> {
    if (limit <= 0) return [];
    const replies = await eachDistrict<string[]>((pipe, dk) => read(pipe, index(dk)));
    const all = replies.flatMap(({ districtId, reply }) =>
      pairs(reply).map(([member, score], turn) => ({ districtId, member, score: Number(score), turn })),
    );
    all.sort(order.inTurn ? byTurn : order.descending ? (a, b) => byTime(b, a) : byTime);
    return all.slice(0, limit);
  }

  /** The first `limit` members due by `nowMs` across districts (see merged for `inTurn`). */
  const dueIn = (index: (dk: DistrictKeys) => string, nowMs: number, limit: number, inTurn = false) =>
    merged(
      index,
      limit,
      (pipe, key) => pipe.zrangebyscore(key, "-inf", nowMs, "WITHSCORES", "LIMIT", 0, limit),
      { inTurn },
    );

  /**
   * Leases up to `limit` members due by `nowMs`, earliest first across districts; returns them with
   * their hashes. Peeked members that a concurrent taker leased first are skipped by the script, so
   * the shortfall is peeked again: each lost member went to another taker, so a few rounds suffice.
   */
  async function leaseDue(
    index: (dk: DistrictKeys) => string,
    item: (dk: DistrictKeys, member: string) => string,
    nowMs: number,
    limit: number,
    leaseMs: number,
    countAttempt: boolean,
    inTurn = false,
  ) {
    const leased: (Peeked & { hash: Record<string, string> })[] = [];
    for (let round = 0; round < 5 && leased.length < limit; round++) {
      const peeked = await dueIn(index, nowMs, limit - leased.length, inTurn);
      const byDistrict = new Map<string, Peeked[]>();
      for (const p of peeked) byDistrict.set(p.districtId, [...(byDistrict.get(p.districtId) ?? []), p]);
      const got = await Promise.all(
        [...byDistrict].map(async ([districtId, items]) => {
          const dk = k.of(districtId);
          const keys = [index(dk), ...items.map((p) => item(dk, p.member))];
          const args = [
            nowMs + leaseMs,
            countAttempt ? "1" : "0",
            ...items.flatMap((p) => [p.member, p.score]),
          ];
          const taken = (await leasePeeked(client, keys, args)) as [string, string[]][];
          const peekedAs = new Map(items.map((p) => [p.member, p]));
          return taken.map(([member, flat]) => ({ ...peekedAs.get(member)!, hash: pairsOf(flat) }));
        }),
      );
      leased.push(...got.flat());
      if (got.flat().length === peeked.length) break;
    }
    return leased.sort(inTurn ? byTurn : byTime);
  }

  /** Districts whose touched index is known complete, so the check is made once per process. */
  const touchedComplete = new Set<string>();

  /**
   * Cycles written before the touched index existed are added to it once per district, the first
   * time it is read. Every write adds a cycle to both indexes at once and none takes one out, so
   * when they are the same size (always, for a district this version wrote from the start) there is
   * nothing to add. Else ZADD NX: a cycle written since (so indexed with its current touched time)
   * keeps its score. Then the mark, so no process looks again.
   */
  async function ensureTouchedIndex(districtId: string, dk: DistrictKeys): Promise<void> {
    if (touchedComplete.has(districtId)) return;
    // One MULTI, so no write lands between the two counts.
    const [complete, prompted, touched] = (await results(
      client.multi().exists(dk.cyclesByTouchComplete).zcard(dk.cyclesByPrompt).zcard(dk.cyclesByTouch),
    )) as number[];
    if (!complete && prompted !== touched) {
      const ids = await client.zrange(dk.cyclesByPrompt, 0, -1);
      for (let i = 0; i < ids.length; i += 1000) {
        const cycles = await readCycles(dk, ids.slice(i, i + 1000));
        if (cycles.length === 0) continue;
        const members = cycles.flatMap((c) => [cycleTouchedMs(c), c.id]);
        await client.zadd(dk.cyclesByTouch, "NX", ...members);
      }
    }
    if (!complete) await client.set(dk.cyclesByTouchComplete, "1");
    touchedComplete.add(districtId);
  }

  async function readCycles(dk: DistrictKeys, ids: string[]): Promise<Cycle[]> {
    const pipe = client.pipeline();
    for (const id of ids) pipe.hget(dk.cycle(id), "json");
    const jsons = (await results(pipe)) as (string | null)[];
    return jsons.filter((json) => json !== null).map((json) => JSON.parse(json) as Cycle);
  }

  /** Sent and dead entries closed before `beforeMs`: read ahead of the script (closing times only grow). */
  async function outboxClosedBefore(dk: DistrictKeys, beforeMs: number | undefined): Promise<string[]> {
    if (beforeMs === undefined) return [];
    const [sent, dead] = (await results(
      client
        .pipeline()
        .zrangebyscore(dk.outboxIn("sent"), "-inf", `(${beforeMs}`)
        .zrangebyscore(dk.outboxIn("dead"), "-inf", `(${beforeMs}`),
    )) as [string[], string[]];
    return [...sent, ...dead];
  }

  async function planFor(changes: ChangeSet) {
    const dk = k.of(changes.districtId);
    const cycles = changes.cycles ?? [];
    const readOld = client.pipeline();
    for (const { cycle } of cycles) readOld.hmget(dk.cycle(cycle.id), "version", "json");
    const olds = (await results(readOld)) as [string | null, string | null][];

    const guards: [string, number][] = [];
    const writes: string[][] = [];
    cycles.forEach(({ cycle, expectedVersion }, i) => {
      const [oldVersion, oldJson] = olds[i]!;
      // Fails early here; the script checks again, atomically with the write.
      if (Number(oldVersion ?? 0) !== expectedVersion) throw new StoreConflictError(`cycle ${cycle.id}`);
      guards.push([dk.cycle(cycle.id), expectedVersion]);
      // The old indexes are the ones of the version just read: any change since would fail the guard.
      if (oldJson)
        for (const index of cycleIndexes(dk, JSON.parse(oldJson))) writes.push(["ZREM", index, cycle.id]);
      const version = expectedVersion + 1;
      writes.push([
        "HSET",
        dk.cycle(cycle.id),
        "version",
        `${version}`,
        "json",
        JSON.stringify({ ...cycle, version }),
      ]);
      const promptedMs = `${instantMs(cycle.promptedAt)}`;
      for (const index of cycleIndexes(dk, cycle)) writes.push(["ZADD", index, promptedMs, cycle.id]);
      // A plain ZADD moves the score either way: a reschedule to an earlier time can lower it.
      writes.push(["ZADD", dk.cyclesByTouch, `${cycleTouchedMs(cycle)}`, cycle.id]);
    });
    for (const f of changes.feedback ?? []) {
      const { facts, text } = splitFeedback(f);
      const hash = ["coachId", f.coachId, "teacherId", f.teacherId, "facts", JSON.stringify(facts)];
      writes.push(["HSET", dk.feedback(f.cycleId), ...hash, "text", JSON.stringify(text)]);
      writes.push(["ZADD", dk.feedbackByGiven, `${instantMs(f.givenAt)}`, f.cycleId]);
    }
    for (const c of changes.contacts ?? []) writes.push(["HSET", dk.contacts, c.id, JSON.stringify(c)]);
    for (const key of changes.cancelDue ?? []) writes.push(["ZREM", dk.due, key], ["DEL", dk.dueItem(key)]);
    for (const item of changes.due ?? []) {
      writes.push(["ZADD", dk.due, `${item.atMs}`, item.key]);
      writes.push(["HSET", dk.dueItem(item.key), "kind", item.kind, "payload", JSON.stringify(item.payload)]);
    }
    const gone = [
      ...(changes.deleteOutbox ?? []),
      ...(await outboxClosedBefore(dk, changes.pruneOutboxBefore)),
    ];
    for (const key of gone) {
      writes.push(
        ["DEL", dk.outbox(key)],
        ...OUTBOX_STATES.map((state) => ["ZREM", dk.outboxIn(state), key]),
      );
    }
    const now = Date.now();
    const inserts = (changes.outbox ?? []).map((e) => {
      const key = dk.outbox(e.key);
      const next = `${e.notBeforeMs}`;
      const hash = ["body", outboxBody(e, now), "state", "pending", "attempts", "0", "nextAttemptMs", next];
      return {
        key,
        cmds: [
          ["HSET", key, ...hash],
          ["ZADD", dk.outboxIn("pending"), next, e.key],
        ],
      };
    });
    const keys = new Set([
      ...guards.map(([key]) => key),
      ...[...writes, ...inserts.flatMap((ins) => ins.cmds)].map((cmd) => cmd[1]!),
    ]);
    const cycleIds = cycles.map(({ cycle }) => cycle.id);
    return { keys: [...keys], cycleIds, plan: JSON.stringify({ guards, writes, inserts }) };
  }

  /** `also`: more fields to set with the outcome's (releaseOutbox's attempts). */
  async function mark(entry: OutboxEntry, outcome: OutboxOutcome, also: Record<string, number> = {}) {
    const dk = k.of(entry.districtId);
    const fields = Object.entries({ ...outcome.set, ...also }).flatMap(([field, value]) => [
      field,
      `${value}`,
    ]);
    const keys = [dk.outbox(entry.key), dk.outboxIn("pending"), dk.outboxIn(outcome.state)];
    const lease = entry.leaseUntilMs === undefined ? "" : `${entry.leaseUntilMs}`;
    await markOutbox(client, keys, [entry.key, lease, outcome.state, outcome.orderMs, ...fields]);
  }

  return {
    kind: "redis",
    async ping() {
      await client.ping();
    },
    async close() {
      if (ownsClient) await client.quit();
    },

    async replaceRoster(roster) {
      await client.set(k.roster, JSON.stringify(roster));
      // After the snapshot, not in one transaction: the two keys may sit in different cluster slots.
      await client.incr(k.rosterRevision);
    },
    async getRoster() {
      const json = await client.get(k.roster);
      return json === null ? null : (JSON.parse(json) as Roster);
    },
    async rosterRevision() {
      return Number((await client.get(k.rosterRevision)) ?? 0);
    },

    async apply(changes) {
      assertChangeSet(changes);
      const { keys, cycleIds, plan } = await planFor(changes);
      // The district set lives outside the district's slot, so it is written first: a known
      // district with nothing in it costs takeDue one empty read.
      await client.sadd(k.districts, changes.districtId);
      const failed = Number(await applyPlan(client, keys, [plan]));
      if (failed > 0) throw new StoreConflictError(`cycle ${cycleIds[failed - 1]}`);
    },

    async getCycle(districtId, cycleId) {
      const json = await client.hget(k.of(districtId).cycle(cycleId), "json");
      return json === null ? null : (JSON.parse(json) as Cycle);
    },
    async cyclesForPerson(districtId, personId) {
      const dk = k.of(districtId);
      return readCycles(dk, await client.zrevrange(dk.cyclesOfPerson(personId), 0, -1));
    },
    async cyclesForGroup(districtId, groupId) {
      const dk = k.of(districtId);
      return readCycles(dk, await client.zrevrange(dk.cyclesOfGroup(groupId), 0, -1));
    },
    async cyclesInDistrict(districtId, from, to) {
      const dk = k.of(districtId);
      const ids = await client.zrangebyscore(dk.cyclesByPrompt, instantMs(from), `(${instantMs(to)}`);
      return readCycles(dk, ids);
    },

    async cyclesTouchedInDistrict(districtId, from, to) {
      const dk = k.of(districtId);
      await ensureTouchedIndex(districtId, dk);
      const flat = (await touchedPromptedBefore(
        client,
        [dk.cyclesByTouch, dk.cyclesByPrompt],
        [instantMs(from), instantMs(to)],
      )) as string[];
      // Oldest prompted first, then by id: SQLite's order.
      const found = pairs(flat).map(([id, prompted]) => ({ id, prompted: Number(prompted) }));
      found.sort((a, b) => a.prompted - b.prompted || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return readCycles(
        dk,
        found.map((f) => f.id),
      );
    },

    async feedbackFor(districtId, cycleId, viewerId) {
      const key = k.of(districtId).feedback(cycleId);
      const [coachId, teacherId, facts, text] = await client.hmget(
        key,
        "coachId",
        "teacherId",
        "facts",
        "text",
      );
      if (!facts || !text || (viewerId !== coachId && viewerId !== teacherId)) return null;
      return joinFeedback(facts, text);
    },
    async feedbackFacts(districtId, from, to) {
      const dk = k.of(districtId);
      const ids = await client.zrangebyscore(dk.feedbackByGiven, instantMs(from), `(${instantMs(to)}`);
      const pipe = client.pipeline();
      for (const id of ids) pipe.hget(dk.feedback(id), "facts");
      const facts = (await results(pipe)) as (string | null)[];
      return facts.filter((json) => json !== null).map((json) => JSON.parse(json) as FeedbackFacts);
    },

    async contactsForDistrict(districtId) {
      const contacts = (await client.hvals(k.of(districtId).contacts)).map(
        (json) => JSON.parse(json) as Contact,
      );
      const order = (c: Contact) => `${c.date}\u0000${c.id}`;
      return contacts.sort((a, b) => (order(a) < order(b) ? -1 : 1));
    },

    async getDoc<T>(ns: string, id: string) {
      const json = await client.hget(k.docs(ns), id);
      return json === null ? null : (JSON.parse(json) as T);
    },
    async putDoc(ns, id, value) {
      await client.hset(k.docs(ns), id, JSON.stringify(value));
    },
    async deleteDoc(ns, id) {
      await client.hdel(k.docs(ns), id);
    },
    async listDocs<T>(ns: string) {
      const docs = Object.entries(await client.hgetall(k.docs(ns)));
      return docs
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, json]) => ({ id, value: JSON.parse(json) as T }));
    },
    async docNamespaces() {
      // Not indexed: export and erasure are rare, by hand, so a cursor over the key space does.
      const prefixOf = k.docs("");
      const pattern = `${prefixOf.replace(/[*?[\]\\]/g, "\\$&")}*`;
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
        for (const key of keys) found.add(key.slice(prefixOf.length));
        cursor = next;
      } while (cursor !== "0");
      return [...found].sort();
    },

    async claimOnce(key, ttlMs) {
      return (await client.set(k.once(key), "1", "PX", ttlMs, "NX")) === "OK";
    },
    async acquireLock(key, ttlMs) {
      const token = randomUUID();
      return (await client.set(k.lock(key), token, "PX", ttlMs, "NX")) === "OK" ? token : null;
    },
    async renewLock(key, token, ttlMs) {
      return Number(await renewIfHeld(client, [k.lock(key)], [token, ttlMs])) === 1;
    },
    async releaseLock(key, token) {
      return Number(await releaseIfHeld(client, [k.lock(key)], [token])) === 1;
    },

    async takeDue(nowMs, limit, leaseMs) {
      assertLease(limit, leaseMs);
      const leased = await leaseDue(
        (dk) => dk.due,
        (dk, key) => dk.dueItem(key),
        nowMs,
        limit,
        leaseMs,
        false,
      );
      return leased.map((item): LeasedDue => ({ ...dueItem(item, item.hash), leaseAtMs: nowMs + leaseMs }));
    },
    async peekDue(nowMs, limit) {
      const peeked = await dueIn((dk) => dk.due, nowMs, limit);
      const pipe = client.pipeline();
      for (const { districtId, member } of peeked) pipe.hgetall(k.of(districtId).dueItem(member));
      const hashes = (await results(pipe)) as Record<string, string>[];
      return peeked.map((p, i) => dueItem(p, hashes[i]!));
    },
    async getDue(districtId, key) {
      const dk = k.of(districtId);
      const [score, hash] = (await results(
        client.pipeline().zscore(dk.due, key).hgetall(dk.dueItem(key)),
      )) as [string | null, Record<string, string>];
      return score === null ? null : dueItem({ districtId, member: key, score: Number(score) }, hash);
    },
    async completeDue(item) {
      const dk = k.of(item.districtId);
      await completeLeased(client, [dk.due, dk.dueItem(item.key)], [item.key, item.leaseAtMs]);
    },
    async countDue() {
      const counts = await eachDistrict<number>((pipe, dk) => pipe.zcard(dk.due));
      return counts.reduce((sum, { reply }) => sum + reply, 0);
    },

    async claimOutbox(nowMs, limit, leaseMs) {
      assertLease(limit, leaseMs);
      const pending = (dk: DistrictKeys) => dk.outboxIn("pending");
      const leased = await leaseDue(pending, (dk, key) => dk.outbox(key), nowMs, limit, leaseMs, true, true);
      return leased.map(({ hash }) => fromOutboxHash(hash));
    },
    async markSent(entry, platformRef, atMs) {
      await mark(entry, outboxOutcome.sent(platformRef, atMs));
    },
    async markRetry(entry, nextAttemptMs, error) {
      await mark(entry, outboxOutcome.retry(nextAttemptMs, error));
    },
    async markDead(entry, reason, atMs) {
      await mark(entry, outboxOutcome.dead(reason, atMs));
    },
    async releaseOutbox(entry, nextAttemptMs, note) {
      // A retry with the claim's attempt taken back; the lease check makes attempts - 1 exact.
      await mark(entry, outboxOutcome.retry(nextAttemptMs, note), { attempts: entry.attempts - 1 });
    },
    async getOutbox(districtId, key) {
      const hash = await client.hgetall(k.of(districtId).outbox(key));
      return hash.body === undefined ? null : fromOutboxHash(hash);
    },
    async listOutbox(state, limit) {
      // Pending: next attempt first; sent and dead: the latest first.
      const descending = state !== "pending";
      const read = (pipe: ChainableCommander, key: string) =>
        descending
          ? pipe.zrevrange(key, 0, limit - 1, "WITHSCORES")
          : pipe.zrange(key, 0, limit - 1, "WITHSCORES");
      const listed = await merged((dk) => dk.outboxIn(state), limit, read, { descending });
      const pipe = client.pipeline();
      for (const { districtId, member } of listed) pipe.hgetall(k.of(districtId).outbox(member));
      return ((await results(pipe)) as Record<string, string>[]).map(fromOutboxHash);
    },
    async outboxCounts() {
      const counts = zeroOutboxCounts();
      await Promise.all(
        OUTBOX_STATES.map(async (state) => {
          const perDistrict = await eachDistrict<number>((pipe, dk) => pipe.zcard(dk.outboxIn(state)));
          counts[state] = perDistrict.reduce((sum, { reply }) => sum + reply, 0);
        }),
      );
      return counts;
    },
    async finishErasure() {
      // Nothing to do here: Redis keeps no old values in memory; its AOF/RDB files are its operator's (SECURITY.md).
    },
  };
}
