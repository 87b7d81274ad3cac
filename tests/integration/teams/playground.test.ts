import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { StoredConversation } from "../../../adapters/teams/directory.js";
import { browserAvailable, launchBrowser } from "../../e2e/browser.js";
import { startTeamsService, type TeamsService } from "./harness.js";

// Microsoft's own local Teams client, the Agents Playground (@microsoft/m365agentsplayground),
// talking to the real service with an empty app id: it plays the Teams service (its own
// connector at /_connector is the serviceUrl) and renders our cards with its Adaptive Cards
// renderer in its web UI, which Chromium drives here. It runs offline; its configuration file
// makes the signed-in user a roster person.

const EMILY = {
  id: "user-emily",
  name: "Emily Tran",
  userPrincipleName: "emily.tran@prairievalley.example.org",
  aadObjectId: "00000000-0000-0000-0000-0000000000e1",
  givenName: "Emily",
  surname: "Tran",
  email: "emily.tran@prairievalley.example.org",
};
/** The Playground wants at least five other users; these are demo-roster colleagues. */
const COLLEAGUES = [
  "Jacob Whitehorse",
  "Sofia Delgado",
  "Hannah Kowalski",
  "Darnell Price",
  "Priya Raman",
].map((name, i) => {
  const [givenName, surname] = name.split(" ") as [string, string];
  const email = `${givenName.toLowerCase()}.${surname.toLowerCase()}@prairievalley.example.org`;
  return {
    id: `user-${i + 1}`,
    name,
    userPrincipleName: email,
    aadObjectId: `00000000-0000-0000-0000-00000000000${i + 1}`,
    givenName,
    surname,
    email,
  };
});
const CONFIG = {
  version: "0.1.1",
  tenantId: "00000000-0000-0000-0000-0000000000aa",
  bot: { id: "00000000-0000-0000-0000-0000000000b0", name: "coachbot" },
  currentUser: EMILY,
  users: COLLEAGUES,
  personalChat: { id: "personal-chat-emily" },
  groupChat: { id: "group-chat-grade3", name: "Grade 3" },
  team: {
    id: "team-pv",
    name: "Prairie Valley",
    aadGroupId: "00000000-0000-0000-0000-0000000000c0",
    channels: [],
  },
};

let t: TeamsService;
let playground: ChildProcess;
let browser: Browser;
let page: Page;
let dir: string;
let output = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Starts the Playground CLI; resolves with the port it listens on (it picks another when ours is taken). */
async function startPlayground(appPort: number): Promise<number> {
  const configPath = join(dir, ".m365agentsplayground.yml");
  writeFileSync(configPath, stringify(CONFIG));
  const bin = join(import.meta.dirname, "../../../node_modules/.bin/agentsplayground");
  const args = [
    "-e",
    `http://127.0.0.1:${appPort}/api/messages`,
    "-c",
    "msteams",
    "--disable-telemetry",
    "-p",
    String(await freePort()),
  ];
  playground = spawn(bin, args, {
    cwd: dir,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: "none", // do not open a browser of its own
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: join(dir, "playground.log"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the Agents Playground did not start in 20 s:\n${output}`)),
      20_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    };
    playground.stdout?.on("data", read);
    playground.stderr?.on("data", read);
    playground.on("exit", (code) => reject(new Error(`the Agents Playground exited (${code}):\n${output}`)));
  });
}

/** The Playground's log, which says why when it refused its configuration or our answers. */
const playgroundLog = () => {
  try {
    return readFileSync(join(dir, "playground.log"), "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return output;
  }
};

const card = (text: string | RegExp): Locator =>
  page.locator(".ac-adaptiveCard").filter({ hasText: text }).last();

describe.skipIf(!browserAvailable())("the Microsoft 365 Agents Playground", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "coachbot-playground-"));
    t = await startTeamsService("2026-09-14T14:00:00Z"); // Monday 09:00 in Prairie Valley
    const port = await startPlayground(t.service.port);
    browser = await launchBrowser();
    page = await browser.newPage();
    // Opening the UI makes the Playground install the app: installationUpdate and conversationUpdate.
    await page.goto(`http://localhost:${port}/`);
    await page.getByText("Personal Chat").first().click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs: the service keeps the reference to the Playground's connector", async () => {
    await expect
      .poll(
        () =>
          t.service.store.getDoc<StoredConversation>("teams-conversations", `personal:${EMILY.aadObjectId}`),
        { timeout: 10_000 },
      )
      .toMatchObject({
        reference: {
          serviceUrl: expect.stringMatching(/\/_connector$/),
          conversation: { id: "personal-chat-emily" },
        },
      });
  });

  it("answers help with a card", async () => {
    await page.locator('[data-lexical-editor="true"]').click();
    await page.keyboard.type("help");
    await page.keyboard.press("Enter");
    const help = card("Commands:");
    await help.waitFor({ timeout: 10_000 }).catch((err: unknown) => {
      throw new Error(`${err}\nPlayground log:\n${playgroundLog()}`);
    });
    expect(await help.textContent()).toContain("pause until YYYY-MM-DD");
  });

  it("shows a proactive prompt, opens the form, shows a refusal under its field, then accepts it", async () => {
    await t.at("2026-09-14T14:01:00Z");
    const prompt = card("time to plan your next classroom observation");
    await prompt.waitFor({ timeout: 10_000 });
    await prompt.getByRole("button", { name: "Pick a time" }).click();

    const form = card("Pick an observation time");
    await form.waitFor({ timeout: 10_000 });
    const chooseTime = async (time: string) => {
      await form.locator('input[placeholder="Select a time..."]').click();
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.type(time);
      await page.keyboard.press("Enter");
    };
    await chooseTime("6:00 AM");
    await form.getByRole("button", { name: "Schedule" }).click();
    // Updated in place: the same card now says why, under the time.
    await form.getByText("School hours are").waitFor({ timeout: 10_000 });
    expect(
      await page.locator(".ac-adaptiveCard").filter({ hasText: "Pick an observation time" }).count(),
    ).toBe(1);

    await chooseTime("1:00 PM");
    await form.getByRole("button", { name: "Schedule" }).click();
    await card("Observation scheduled for Monday, September 14 at 1:00 PM").waitFor({ timeout: 10_000 });
    const closed = card("Pick an observation time");
    await closed.getByText("Submitted.").waitFor({ timeout: 10_000 });
    expect(await closed.getByRole("button").count()).toBe(0);
  });
});
