// A generated deployment for the fault tests: districts of peer-to-peer pairs, each district in its
// own Slack workspace (OAuth installs), so that our per-workspace rate limit (100 posts a minute)
// does not make a 2,000-prompt fan-out take twenty minutes.
import { manualTime } from "../../src/clock.js";
import type { Store } from "../../src/store/port.js";
import type { FakeSlack, FakeUser } from "../fixtures/fake-slack.js";
import { OAUTH_ENV, putInstall } from "../fixtures/slack-oauth.js";

export interface WorldOptions {
  districts: number;
  /** People per district (an even number: they pair up). */
  people: number;
  /** District i's first school day; its groups' first prompts are due at 06:00 UTC that day. */
  firstDay: (district: number) => string;
  observeEvery?: string;
}

export interface Workspace {
  districtId: string;
  teamId: string;
  token: string;
  users: FakeUser[];
}

export interface World {
  roster: string;
  workspaces: Workspace[];
  /** People in all. */
  people: number;
}

const pad = (n: number) => String(n).padStart(3, "0");

export function makeWorld(opts: WorldOptions): World {
  const districts: object[] = [];
  const people: object[] = [];
  const coaching: object[] = [];
  const workspaces: Workspace[] = [];
  for (let d = 0; d < opts.districts; d++) {
    const id = `d${pad(d)}`;
    districts.push({
      id,
      name: `District ${d}`,
      timezone: "UTC",
      workHours: { start: "06:00", end: "20:00" },
      calendar: { firstDay: opts.firstDay(d), lastDay: "2027-05-21" },
      buildings: [{ id: `${id}-s`, name: `School ${d}` }],
    });
    const users: FakeUser[] = [];
    for (let p = 0; p < opts.people; p++) {
      const user = { id: `U${pad(d)}X${pad(p)}`, email: `p${p}@${id}.example.org` };
      users.push(user);
      const name = `Person ${d}-${p}`;
      people.push({
        email: user.email,
        name,
        district: id,
        building: `${id}-s`,
        roles: ["teacher"],
        slack: user.id,
      });
      if (p % 2 === 1) {
        coaching.push({
          id: `${id}-g${p >> 1}`,
          structure: "peer-to-peer",
          members: [users[p - 1]!.email, user.email],
          focus: "Feedback",
          observeEvery: opts.observeEvery ?? "3 weeks",
        });
      }
    }
    workspaces.push({ districtId: id, teamId: `T${pad(d)}`, token: `xoxb-${id}`, users });
  }
  return {
    // JSON is YAML too.
    roster: JSON.stringify({ districts, people, coaching }, null, 1),
    workspaces,
    people: opts.districts * opts.people,
  };
}

export function addWorkspaces(fake: FakeSlack, world: World): void {
  for (const w of world.workspaces) fake.addWorkspace(w);
}

/** What the service needs in its store: the OAuth installs, and where its manual clock starts. */
export async function seedStore(store: Store, world: World, clockAt?: string): Promise<void> {
  for (const w of world.workspaces) {
    await putInstall(store, w.teamId, w.token);
  }
  if (clockAt) await manualTime(store).set!(new Date(clockAt));
}

/** Multi-workspace Slack: tokens come from the installs seedStore wrote. */
export { OAUTH_ENV };

/** The environment a `coachbot start` child needs for this world on the fake Slack. */
export function slackEnv(fake: FakeSlack): Record<string, string> {
  return {
    ...OAUTH_ENV,
    SLACK_SIGNING_SECRET: fake.signingSecret,
    SLACK_API_URL: fake.apiUrl,
    // Time travel (the local chat's control) runs a tick inside the service at a chosen instant.
    CLOCK: "manual",
    LOCAL_CHAT: "1",
  };
}

/** The posts Slack accepted, by idempotency key (from the message metadata) and by channel. */
export function acceptedPosts(fake: FakeSlack) {
  const posts = fake.callsTo("chat.postMessage");
  const count = (of: (args: Record<string, unknown>) => string) => {
    const counts = new Map<string, number>();
    for (const { args } of posts) counts.set(of(args), (counts.get(of(args)) ?? 0) + 1);
    return counts;
  };
  return {
    total: posts.length,
    byKey: count((args) => keyOf(args) ?? "(no key)"),
    byChannel: count((args) => String(args.channel)),
  };
}

export function keyOf(args: Record<string, unknown>): string | undefined {
  const metadata = args.metadata as { event_payload?: { key?: string } } | undefined;
  return metadata?.event_payload?.key;
}

/** Entries of a count map above 1: what was received more than once. */
export function repeated(counts: Map<string, number>): [string, number][] {
  return [...counts].filter(([, n]) => n > 1);
}
