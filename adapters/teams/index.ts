import express from "express";
import type { TeamsConfig } from "../../src/config.js";
import type { AdapterContext, PlatformAdapter } from "../types.js";

// Placeholder while the Teams adapter is written (issue 5): mounts nothing, reaches no one.
export function createTeamsAdapter(_config: TeamsConfig, _ctx: AdapterContext): PlatformAdapter {
  return {
    router: express.Router(),
    delivery: {
      platform: "teams",
      resolvePerson: async () => null,
      resolveChannel: async () => null,
      send: async () => {
        throw new Error("the Teams adapter is not built yet");
      },
    },
  };
}
