import type { SlackConfig } from "../../src/config.js";
import type { AdapterContext, PlatformAdapter } from "../types.js";

// Placeholder while the Slack adapter is written (issue 4): the service refuses a Slack config.
export function createSlackAdapter(_config: SlackConfig, _ctx: AdapterContext): PlatformAdapter {
  throw new Error("the Slack adapter is not built yet");
}
