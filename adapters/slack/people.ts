import { DeliveryError } from "../../src/adapter.js";
import type { Person } from "../../src/domain/model.js";
import type { Logger } from "../../src/log.js";
import type { Store } from "../../src/store/port.js";
import type { Actor } from "../../src/ui/model.js";
import type { AdapterContext } from "../types.js";
import { platformError, toDeliveryError } from "./errors.js";
import type { Workspaces } from "./workspaces.js";

// Who a Slack user is in the roster, and where a roster person is in Slack. The roster's
// `slack` id wins; otherwise people are matched by e-mail (users.info / users.lookupByEmail)
// once, and the link is kept in the Store so the look-up is not repeated. Someone found in no
// workspace (a Teams district's teacher, say) is remembered as absent for a day, so delivery to
// them does not ask every workspace again each time.

/** Roster person id -> where they are in Slack. */
const PEOPLE = "slack-people";
/** "<team>:<user>" -> who that user is in the roster, and the bot's DM with them. */
const USERS = "slack-users";
/** Roster person id -> the workspaces they were looked for in and not found, and until when that holds. */
const ABSENT = "slack-absent";
/** District id -> how many of its people were linked through each workspace. */
const DISTRICT_TEAMS = "slack-district-teams";
/** Long enough to spare every workspace a look-up per message, short enough to find a newcomer. */
const ABSENT_FOR_MS = 24 * 60 * 60 * 1000;

interface PersonLink {
  teamId: string;
  userId: string;
}

interface UserLink {
  personId?: string;
  dm?: string;
}

interface Absent {
  teams: string[];
  untilMs: number;
}

type TeamCounts = Record<string, number>;

const NOT_FOUND = new Set(["user_not_found", "users_not_found"]);
/** How many of a district's people are looked up to find its workspace before giving up. */
const DISTRICT_PROBES = 3;

export class SlackPeople {
  constructor(
    private readonly ctx: Pick<AdapterContext, "store" | "roster" | "now">,
    private readonly workspaces: Workspaces,
    private readonly logger: Logger,
  ) {}

  private get store(): Store {
    return this.ctx.store;
  }

  /** The actor behind a Slack user: personId null for someone the roster does not know. */
  async actor(teamId: string, userId: string): Promise<Actor> {
    const roster = await this.ctx.roster();
    let person = roster.byPlatformId("slack", userId);
    if (!person) {
      const known = await this.store.getDoc<UserLink>(USERS, `${teamId}:${userId}`);
      person = known?.personId ? roster.person(known.personId) : undefined;
    }
    if (!person) {
      const email = await this.emailOf(teamId, userId);
      person = email ? roster.person(email) : undefined;
    }
    if (person) await this.remember(person.id, teamId, userId);
    return { platform: "slack", externalId: userId, personId: person?.id ?? null };
  }

  /**
   * Where a roster person can be reached, linking them by e-mail at first need (unless
   * `linkedOnly`); null when not in Slack.
   */
  async reach(person: Person, linkedOnly = false): Promise<PersonLink | null> {
    const known = await this.store.getDoc<PersonLink>(PEOPLE, person.id);
    if (!known && linkedOnly) return null;
    const teams = await this.workspaces.teams();
    if (known && teams.includes(known.teamId)) return known;
    if (linkedOnly) return null;
    const nowMs = (await this.ctx.now()).getTime();
    const absent = await this.store.getDoc<Absent>(ABSENT, person.id);
    // Still absent unless a day has passed or the app was installed in a workspace not yet asked.
    if (absent && absent.untilMs > nowMs && teams.every((t) => absent.teams.includes(t))) return null;
    const preferred = person.districtId ? await this.linkedTeam(person.districtId, teams) : null;
    const order = preferred ? [preferred, ...teams.filter((t) => t !== preferred)] : teams;
    for (const teamId of order) {
      const userId = await this.find(teamId, person, teams.length === 1);
      if (userId) {
        await this.remember(person.id, teamId, userId);
        return { teamId, userId };
      }
    }
    await this.store.putDoc<Absent>(ABSENT, person.id, { teams, untilMs: nowMs + ABSENT_FOR_MS });
    return null;
  }

  /**
   * The workspace a district uses: the one most of its linked people were linked through (the
   * only one, with a single installation). With none linked yet, a few of its people are looked up.
   */
  async districtTeam(districtId: string): Promise<string | null> {
    const teams = await this.workspaces.teams();
    const linked = await this.linkedTeam(districtId, teams);
    if (linked) return linked;
    const roster = await this.ctx.roster();
    const people = roster.roster.people.filter((p) => p.districtId === districtId).slice(0, DISTRICT_PROBES);
    for (const person of people) {
      const found = await this.reach(person);
      if (found) return found.teamId;
    }
    return null;
  }

  /** The bot's DM channel with a user (conversations.open once, then kept). */
  async dm(teamId: string, userId: string): Promise<string> {
    const key = `${teamId}:${userId}`;
    const known = await this.store.getDoc<UserLink>(USERS, key);
    if (known?.dm) return known.dm;
    const client = await this.workspaces.client(teamId);
    if (!client)
      throw new DeliveryError("permanent", `coachbot is not installed in Slack workspace ${teamId}`);
    let channel: string | undefined;
    try {
      channel = (await client.conversations.open({ users: userId })).channel?.id;
    } catch (e) {
      throw toDeliveryError(e, "conversations.open");
    }
    if (!channel) throw new DeliveryError("retry", "conversations.open returned no channel");
    await this.store.putDoc<UserLink>(USERS, key, { ...known, dm: channel });
    return channel;
  }

  private async linkedTeam(districtId: string, teams: string[]): Promise<string | null> {
    if (teams.length <= 1) return teams[0] ?? null;
    const counts = (await this.store.getDoc<TeamCounts>(DISTRICT_TEAMS, districtId)) ?? {};
    return (
      Object.entries(counts)
        .filter(([teamId, n]) => n > 0 && teams.includes(teamId))
        .sort((a, b) => b[1] - a[1])[0]?.[0] ?? null
    );
  }

  /** Moves one of the district's people from one workspace's count to another's (approximate under races: a tie-breaker only). */
  private async recount(personId: string, from: string | undefined, to: string): Promise<void> {
    const districtId = (await this.ctx.roster()).person(personId)?.districtId;
    if (!districtId) return;
    const counts = (await this.store.getDoc<TeamCounts>(DISTRICT_TEAMS, districtId)) ?? {};
    if (from) counts[from] = Math.max(0, (counts[from] ?? 0) - 1);
    counts[to] = (counts[to] ?? 0) + 1;
    await this.store.putDoc<TeamCounts>(DISTRICT_TEAMS, districtId, counts);
  }

  /** The person's user id in one workspace, or null when they are not (or no longer) there. */
  private async find(teamId: string, person: Person, only: boolean): Promise<string | null> {
    if (person.slackId && only) return person.slackId;
    const client = await this.workspaces.client(teamId);
    if (!client) return null;
    try {
      const { user } = person.slackId
        ? await client.users.info({ user: person.slackId })
        : await client.users.lookupByEmail({ email: person.email });
      return user?.id && !user.deleted ? user.id : null;
    } catch (e) {
      if (NOT_FOUND.has(platformError(e) ?? "")) return null;
      throw toDeliveryError(e, person.slackId ? "users.info" : "users.lookupByEmail");
    }
  }

  private async emailOf(teamId: string, userId: string): Promise<string | undefined> {
    const client = await this.workspaces.client(teamId);
    try {
      return (await client?.users.info({ user: userId }))?.user?.profile?.email;
    } catch (e) {
      // Answered as "not in the roster" this once; the next message tries again.
      this.logger.warn(
        { teamId, userId, error: (e as Error).message },
        "could not read a Slack user's e-mail",
      );
      return undefined;
    }
  }

  private async remember(personId: string, teamId: string, userId: string): Promise<void> {
    const known = await this.store.getDoc<PersonLink>(PEOPLE, personId);
    if (known?.teamId !== teamId || known.userId !== userId) {
      await this.store.putDoc<PersonLink>(PEOPLE, personId, { teamId, userId });
      await this.store.deleteDoc(ABSENT, personId);
      if (known?.teamId !== teamId) await this.recount(personId, known?.teamId, teamId);
    }
    const key = `${teamId}:${userId}`;
    const user = await this.store.getDoc<UserLink>(USERS, key);
    if (user?.personId !== personId) await this.store.putDoc<UserLink>(USERS, key, { ...user, personId });
  }
}
