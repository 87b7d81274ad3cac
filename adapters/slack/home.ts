import type { types } from "@slack/bolt";
import type { Role } from "../../src/domain/model.js";
import type { Message } from "../../src/ui/model.js";
import { LIMITS, renderBlocks } from "./render.js";

// The App Home tab: what the person would get by typing the commands for their roles, one
// section each. Someone the roster does not know gets `help`, which explains why.

/** Facilitators and district administrators follow the CST cadence of their districts. */
const CADENCE_ROLES: Role[] = ["facilitator", "district-admin"];

export function homeCommands(roles: Role[] | null): string[] {
  if (!roles) return ["help"];
  return [
    "status",
    ...(roles.some((r) => CADENCE_ROLES.includes(r)) ? ["cadence"] : []),
    "dashboard",
    "help",
  ];
}

const HEADER = "Your coaching";

export function homeView(sections: Message[][]): types.HomeView {
  const blocks: types.KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: HEADER } }];
  const body = sections
    .filter((messages) => messages.length > 0)
    .map((messages) => renderBlocks(messages.flatMap((m) => m.blocks)));
  for (const [i, section] of body.entries()) {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push(...section);
  }
  if (blocks.length > LIMITS.viewBlocks) {
    blocks.length = LIMITS.viewBlocks - 1;
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: "There is more: type `status` in a message to me to see it all." },
    });
  }
  return { type: "home", blocks };
}
