import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

// Shared by the browser tests (local chat, dashboard, Teams tab): Debian's Chromium driven by
// playwright-core, with no browser download.

/** Debian's `chromium` package; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-dev-shm-usage",
];

const isSet = (value: string | undefined) =>
  value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";

/** Browser tests must run (not skip) where CI or REQUIRE_BROWSER is set. */
export const browserRequired = () => isSet(process.env.CI) || isSet(process.env.REQUIRE_BROWSER);

/**
 * Whether Chromium is installed. When it is not: throws where the browser is required (CI or
 * REQUIRE_BROWSER), otherwise prints why and returns false so the suite can be skipped:
 *
 *     describe.skipIf(!browserAvailable())("the page", () => { ... });
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const reason = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (browserRequired()) {
    throw new Error(`Browser tests are required here (CI or REQUIRE_BROWSER is set), but ${reason}.`);
  }
  console.warn(`Skipping the browser tests: ${reason}. Set REQUIRE_BROWSER=1 to make this a failure.`);
  return false;
}

/** A headless Chromium; close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Collects what should fail a browser test: uncaught page errors and console errors. Chromium
 * logs every HTTP error answer as a console error ("Failed to load resource: the server responded
 * with a status of 422 ..."): those with a status in `allowStatuses` are expected and ignored.
 * Assert `problems` is empty, e.g. in afterEach.
 */
export function watchPage(page: Page, options: { allowStatuses?: number[] } = {}): { problems: string[] } {
  const allowed = new Set(options.allowStatuses ?? []);
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const status = /^Failed to load resource: the server responded with a status of (\d{3})\b/.exec(
      text,
    )?.[1];
    if (status !== undefined && allowed.has(Number(status))) return;
    const where = message.location().url;
    problems.push(`console error: ${text}${where ? ` (${where})` : ""}`);
  });
  page.on("crash", () => problems.push("the page crashed"));
  return { problems };
}
