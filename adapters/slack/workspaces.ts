import {
  type Authorize,
  type Logger as BoltLogger,
  type Installation,
  type InstallationStore,
  webApi,
} from "@slack/bolt";
import type { Logger } from "../../src/log.js";
import type { Store } from "../../src/store/port.js";
import { toDeliveryError } from "./errors.js";
import type { Sealed, Sealer } from "./sealed.js";

// The workspaces the app can act in and one Web API client per workspace: one token from the
// environment (SLACK_BOT_TOKEN), or the installations OAuth stored (one per workspace).

export interface Workspaces {
  /** Team ids of the workspaces the app is installed in. */
  teams(): Promise<string[]>;
  /** The workspace's one client (its request queue is the workspace's alone), or null when not installed. */
  client(teamId: string): Promise<webApi.WebClient | null>;
  /** The workspace uninstalled the app or revoked its token. */
  forget(teamId: string): Promise<void>;
}

export const INSTALLATIONS = "slack-installations";

/**
 * A 429 or a 5xx surfaces at once instead of being retried inside web-api (which pauses the
 * client's whole queue for up to half an hour): the delivery loop owns retries and back-off.
 */
export function clientOptions(apiUrl: string | undefined, logger: BoltLogger): webApi.WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    logger,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
  };
}

/**
 * SLACK_BOT_TOKEN: one workspace, whose ids come from auth.test at first need (and again after a
 * failure, where Bolt's own token handling would keep a failed start-up call forever).
 */
export function tokenWorkspace(token: string, options: webApi.WebClientOptions, logger: Logger) {
  const client = new webApi.WebClient(token, options);
  let identity: Promise<{ teamId: string; botUserId: string; botId: string }> | undefined;
  const whoAmI = async () => {
    identity ??= client.auth
      .test()
      .then((r) => ({ teamId: String(r.team_id), botUserId: String(r.user_id), botId: String(r.bot_id) }));
    try {
      return await identity;
    } catch (e) {
      identity = undefined;
      throw toDeliveryError(e, "auth.test");
    }
  };
  const workspaces: Workspaces = {
    teams: async () => [(await whoAmI()).teamId],
    client: async () => client,
    async forget(teamId) {
      logger.error(
        { teamId },
        "Slack revoked the bot token: install the app again and set the new SLACK_BOT_TOKEN",
      );
    },
  };
  const authorize: Authorize<boolean> = async () => ({ botToken: token, ...(await whoAmI()) });
  return { workspaces, authorize };
}

/**
 * OAuth: installations kept in the Store, sealed, by workspace (team) id; org-wide installs by
 * enterprise id.
 */
export function installedWorkspaces(store: Store, options: webApi.WebClientOptions, sealer: Sealer) {
  const clients = new Map<string, { token: string; client: webApi.WebClient }>();
  const idOf = (q: { isEnterpriseInstall?: boolean; teamId?: string; enterpriseId?: string }) =>
    (q.isEnterpriseInstall ? q.enterpriseId : q.teamId) ?? "";
  const read = async (id: string) => {
    const doc = await store.getDoc(INSTALLATIONS, id);
    return doc === null ? null : sealer.open<Installation>(id, doc);
  };

  const installationStore: InstallationStore = {
    async storeInstallation(i) {
      const enterprise = i.isEnterpriseInstall ?? false;
      const id = idOf({
        isEnterpriseInstall: enterprise,
        teamId: i.team?.id,
        enterpriseId: i.enterprise?.id,
      });
      await store.putDoc(INSTALLATIONS, id, sealer.seal(id, i, enterprise));
    },
    async fetchInstallation(query) {
      const found = await read(idOf(query));
      if (!found) throw new Error(`coachbot is not installed in Slack workspace ${idOf(query)}`);
      return found;
    },
    async deleteInstallation(query) {
      await store.deleteDoc(INSTALLATIONS, idOf(query));
    },
  };

  const workspaces: Workspaces = {
    async teams() {
      return (await store.listDocs<Sealed>(INSTALLATIONS))
        .filter((d) => !d.value.enterprise)
        .map((d) => d.id);
    },
    async client(teamId) {
      // Read every time: another process may have seen the workspace uninstall or reinstall.
      const token = (await read(teamId))?.bot?.token;
      if (!token) return null;
      const cached = clients.get(teamId);
      if (cached?.token === token) return cached.client;
      const client = new webApi.WebClient(token, options);
      clients.set(teamId, { token, client });
      return client;
    },
    async forget(teamId) {
      clients.delete(teamId);
      await store.deleteDoc(INSTALLATIONS, teamId);
    },
  };
  return { workspaces, installationStore };
}
