import { describe, expect, it } from "vitest";
import { homeCommands, homeView } from "../../../adapters/slack/home.js";
import type { Message } from "../../../src/ui/model.js";
import { blockKitViolations } from "../../fixtures/blockkit-limits.js";

const text = (t: string): Message => ({ key: t, summary: t, blocks: [{ kind: "text", text: t }] });

describe("App Home", () => {
  it("runs the commands of each role", () => {
    expect(homeCommands(["teacher"])).toEqual(["status", "dashboard", "help"]);
    expect(homeCommands(["building-admin"])).toEqual(["status", "dashboard", "help"]);
    expect(homeCommands(["district-admin", "building-admin"])).toEqual([
      "status",
      "cadence",
      "dashboard",
      "help",
    ]);
    expect(homeCommands(["facilitator"])).toEqual(["status", "cadence", "dashboard", "help"]);
    expect(homeCommands(null)).toEqual(["help"]);
  });

  it("puts each command's answer in its own section, under a header", () => {
    const view = homeView([[text("one")], [], [text("two"), text("three")]]);
    expect(view.blocks.map((b) => b.type)).toEqual(["header", "section", "divider", "section", "section"]);
  });

  it("stops at 100 blocks with a pointer to the rest", () => {
    const view = homeView([Array.from({ length: 150 }, (_, i) => text(`line ${i}`))]);
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks.at(-1))).toContain("There is more");
    expect(blockKitViolations("views.publish", { view })).toEqual([]);
  });
});
