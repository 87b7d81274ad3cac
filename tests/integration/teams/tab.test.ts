import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchBrowser, watchPage } from "../../e2e/browser.js";
import { PUBLIC_URL, startTeamsService, type TeamsService } from "./harness.js";

// /teams/tab.js in a real browser. Outside Teams (a plain tab, or framed by some other page,
// where TeamsJS would wait 60 s) the page's content shows at once and the script gives up on
// the host quickly; framed by a host that speaks TeamsJS' protocol, it follows the host's theme.

const PAGE = "/teams-tab-test";
/** TeamsJS asks Microsoft's CDN for the current list of Teams origins; this machine is offline. */
const OFFLINE = /res\.cdn\.office\.net/;
const problems = (watch: { problems: string[] }) => watch.problems.filter((p) => !OFFLINE.test(p));
const CONTENT = "Coaching dashboard for Prairie Valley";

let t: TeamsService;
let browser: Browser;

/** A minimal page on the service's origin that includes tab.js the way /dashboard (issue 6) does. */
async function openTabPage(page: Page): Promise<string> {
  await page.route(`${t.base}${PAGE}`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><head><script type="module" src="/teams/tab.js"></script></head><body><h1>${CONTENT}</h1></body></html>`,
    }),
  );
  return `${t.base}${PAGE}`;
}

/**
 * A parent page that answers TeamsJS' postMessage calls the way the Teams web client does
 * (frame context, host type, runtime config; the v1-shaped context), records each call in
 * window.calls, and can send the frame a theme change or a Save press.
 */
function hostPage(frameUrl: string, frameContext: "content" | "settings"): string {
  const script = `
    const frame = document.querySelector("iframe");
    const context = { theme: "dark", locale: "en-us", entityId: "coachbot-dashboard", frameContext: "${frameContext}",
      hostClientType: "web", userObjectId: "u", tid: "t", appSessionId: "s", teamId: "19:team", channelId: "19:channel" };
    const runtime = { apiVersion: 2, supports: { pages: { config: {} } } };
    window.calls = [];
    window.addEventListener("message", (event) => {
      const m = event.data;
      if (!m || typeof m.id !== "number" || !m.func) return;
      window.calls.push({ func: m.func, args: m.args });
      const reply = (args) => frame.contentWindow.postMessage({ id: m.id, args }, "*");
      if (m.func === "initialize") reply(["${frameContext}", "web", JSON.stringify(runtime), "2.58.0"]);
      else if (m.func === "getContext") reply([context]);
      else reply([true]);
    });
    window.send = (func, args) => frame.contentWindow.postMessage({ func, args }, "*");`;
  return `<!doctype html><html><body><iframe src="${frameUrl}" width="600" height="400"></iframe><script>${script}</script></body></html>`;
}

type HostWindow = { calls: { func: string; args: unknown[] }[]; send(func: string, args: unknown[]): void };

describe.skipIf(!browserAvailable())("the Teams tab script in Chromium", () => {
  beforeAll(async () => {
    t = await startTeamsService("2026-09-14T14:00:00Z");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows the page's content within 2 s outside Teams and settles on the default theme", async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const started = Date.now();
    await page.goto(await openTabPage(page));
    await page.getByText(CONTENT).waitFor({ state: "visible", timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    await page.waitForSelector("html[data-host='browser']", { timeout: 2000 });
    expect(await page.getAttribute("html", "data-theme")).toBe("default");
    expect(problems(watch)).toEqual([]);
    await page.close();
  });

  it("does not wait for TeamsJS' 60 s when another page frames it", async () => {
    const page = await browser.newPage();
    await openTabPage(page);
    await page.route(`${t.base}/not-teams`, (route) =>
      route.fulfill({ contentType: "text/html", body: `<!doctype html><iframe src="${PAGE}"></iframe>` }),
    );
    await page.goto(`${t.base}/not-teams`);
    const frame = page.frameLocator("iframe");
    await frame.getByText(CONTENT).waitFor({ state: "visible", timeout: 2000 });
    await frame.locator("html[data-host='browser']").waitFor({ state: "attached", timeout: 2500 });
    await page.close();
  });

  it("follows the host's theme inside Teams, and its changes", async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const frameUrl = await openTabPage(page);
    await page.route(`${t.base}/host`, (route) =>
      route.fulfill({ contentType: "text/html", body: hostPage(frameUrl, "content") }),
    );
    await page.goto(`${t.base}/host`);
    const html = page.frameLocator("iframe").locator("html");
    await page
      .frameLocator("iframe")
      .locator("html[data-host='teams']")
      .waitFor({ state: "attached", timeout: 3000 });
    expect(await html.getAttribute("data-theme")).toBe("dark");
    await page.evaluate(() => (window as unknown as HostWindow).send("themeChange", ["contrast"]));
    await page
      .frameLocator("iframe")
      .locator("html[data-theme='contrast']")
      .waitFor({ state: "attached", timeout: 2000 });
    expect(problems(watch)).toEqual([]);
    await page.close();
  });

  it("serves the channel tab's setup page, which explains itself outside Teams", async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const res = await page.goto(`${t.base}/teams/tab-config`);
    expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors");
    await page.getByText("Open this page from Microsoft Teams").waitFor({ timeout: 2500 });
    expect(await page.getAttribute('meta[name="coachbot-public-url"]', "content")).toBe(PUBLIC_URL);
    expect(problems(watch)).toEqual([]);
    await page.close();
  });

  it("saves the dashboard as the channel tab when Save is pressed in Teams", async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const configUrl = `${t.base}/teams/tab-config`;
    await page.route(`${t.base}/host`, (route) =>
      route.fulfill({ contentType: "text/html", body: hostPage(configUrl, "settings") }),
    );
    await page.goto(`${t.base}/host`);
    const frame = page.frameLocator("iframe");
    await frame.getByText("Select Save to add the coaching dashboard").waitFor({ timeout: 3000 });
    const calls = () => page.evaluate(() => (window as unknown as HostWindow).calls);
    expect((await calls()).find((c) => c.func === "settings.setValidityState")?.args).toEqual([true]);
    await page.evaluate(() => (window as unknown as HostWindow).send("settings.save", [{}]));
    await expect
      .poll(async () => (await calls()).map((c) => c.func), { timeout: 2000 })
      .toContain("settings.save.success");
    expect((await calls()).find((c) => c.func === "settings.setSettings")?.args[0]).toMatchObject({
      entityId: "coachbot-dashboard",
      contentUrl: `${PUBLIC_URL}/dashboard?host=teams`,
      suggestedDisplayName: "Coaching dashboard",
    });
    expect(problems(watch)).toEqual([]);
    await page.close();
  });
});
