import type { TeamsConfig } from "../../src/config.js";
import type { AdapterContext, PlatformAdapter } from "../types.js";
import { CoachBot } from "./bot.js";
import { Capture } from "./capture.js";
import { createCloudAdapter } from "./cloud.js";
import { TeamsDelivery } from "./delivery.js";
import { TeamsDirectory } from "./directory.js";
import { errorSummary } from "./errors.js";
import { teamsRouter } from "./routes.js";

/**
 * The Microsoft Teams adapter: botbuilder's CloudAdapter behind POST /api/messages, proactive
 * delivery from stored conversation references, and the tab's assets under /teams/.
 */
export function createTeamsAdapter(config: TeamsConfig, ctx: AdapterContext): PlatformAdapter {
  const logger = ctx.logger.child({ platform: "teams" });
  const cloud = createCloudAdapter(config);
  const directory = new TeamsDirectory(ctx.store);
  const bot = new CoachBot({ ctx, capture: new Capture(directory, ctx, logger), directory, logger });

  cloud.onTurnError = async (context, err) => {
    logger.error({ err: errorSummary(err), activity: context.activity.type }, "Teams turn failed");
    if (context.activity.type !== "message") return;
    await context
      .sendActivity("Sorry, something went wrong on my side. Please try again in a moment.")
      .catch(() => undefined);
  };

  return {
    router: teamsRouter(cloud, bot, ctx.publicUrl, config.appId !== ""),
    delivery: new TeamsDelivery(cloud, config.appId, directory, logger),
  };
}
