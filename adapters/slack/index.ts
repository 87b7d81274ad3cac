import type { SlackConfig } from "../../src/config.js";
import type { AdapterContext, PlatformAdapter } from "../types.js";
import { SlackDelivery } from "./delivery.js";
import { registerHandlers } from "./handlers.js";
import { boltLogger } from "./logger.js";
import { SlackPeople } from "./people.js";
import { sealer } from "./sealed.js";
import { createTransport } from "./transport.js";
import { clientOptions, installedWorkspaces, tokenWorkspace } from "./workspaces.js";

/**
 * The Slack adapter: Bolt on the shared express app (POST /slack/events; GET /slack/install and
 * /slack/oauth_redirect with OAuth) or over Socket Mode, and delivery through one Web API
 * client per workspace.
 */
export function createSlackAdapter(config: SlackConfig, ctx: AdapterContext): PlatformAdapter {
  const logger = ctx.logger.child({ platform: "slack" });
  const bolt = boltLogger(logger);
  const options = clientOptions(config.apiUrl, bolt);
  const installs = config.oauth
    ? installedWorkspaces(ctx.store, options, sealer(config.oauth.tokenKeys))
    : null;
  const single = installs ? null : tokenWorkspace(config.botToken ?? "", options, logger);
  const workspaces = installs?.workspaces ?? single!.workspaces;

  const transport = createTransport(config, {
    publicUrl: ctx.publicUrl,
    logger: bolt,
    clientOptions: options,
    ...(single ? { authorize: single.authorize } : {}),
    ...(installs ? { installationStore: installs.installationStore } : {}),
  });
  const people = new SlackPeople(ctx, workspaces, logger);
  registerHandlers(transport.app, { ctx, workspaces, people, logger });

  return {
    router: transport.router,
    delivery: new SlackDelivery(people, workspaces, ctx.roster),
    ...(transport.start ? { start: transport.start } : {}),
    ...(transport.stop ? { stop: transport.stop } : {}),
  };
}
