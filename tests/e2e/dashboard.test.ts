import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { LinkSigner } from "../../src/links.js";
import { createLogger } from "../../src/log.js";
import { type Service, startService } from "../../src/main.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { Message } from "../../src/ui/model.js";
import { seedPrairieValley } from "../unit/workflows/digest-seed.js";
import { browserAvailable, launchBrowser, watchPage } from "./browser.js";

// The dashboard in Chromium, opened the way a person opens it: through the link the bot sends
// for `dashboard`, over the real service (SQLite, demo roster, manual clock on Oct 20, 2026) with
// September and October of coaching seeded in Prairie Valley.

const SUSAN = "susan.harlan@prairievalley.example.org"; // district administrator
const EMILY = "emily.tran@prairievalley.example.org"; // teacher
const NOW = "2026-10-20T15:00:00.000Z";
const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

const hasBrowser = browserAvailable();

let dir: string;
let service: Service;
let base: string;
let secret: string;
let browser: Browser;

/** What the bot answers to `dashboard`: its link, pointed at this test's server. */
async function linkFor(personId: string): Promise<string> {
  const res = await fetch(`${service.url}/local/api/command`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ as: personId, text: "dashboard" }),
  });
  const { reply } = (await res.json()) as { reply: { messages: Message[] } };
  const link = reply.messages[0]!.blocks.find((b) => b.kind === "link");
  if (link?.kind !== "link") throw new Error("the bot sent no link");
  const url = new URL(link.url);
  return `${base}${url.pathname}${url.search}`;
}

async function open(url: string, allowStatuses: number[] = []) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const watch = watchPage(page, { allowStatuses });
  // This machine has no internet: TeamsJS's list of Teams domains is answered locally.
  await page.route("https://res.cdn.office.net/**", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: '{"validOrigins":[]}' }),
  );
  const response = await page.goto(url);
  return { page, watch, status: response?.status() };
}

/** The text a person sees in the element (rendered text: hidden parts left out). */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, what these checks are about.
const shown = (locator: Locator) => locator.innerText();

/** How many pixels of a canvas are drawn (not transparent). */
const inked = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });

/** The chart's legend labels and x labels, as Chart.js drew them. */
const chartOf = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((canvas) => {
    type Drawn = {
      legend: { legendItems: { text: string }[] };
      data: { labels: string[]; datasets: { data: (number | null)[] }[] };
    };
    const chart = (window as unknown as { Chart: { getChart(c: Element): Drawn } }).Chart.getChart(canvas);
    return {
      legend: chart.legend.legendItems.map((i) => i.text),
      labels: chart.data.labels,
      data: chart.data.datasets.map((d) => d.data),
    };
  });

beforeAll(async () => {
  if (!hasBrowser) return;
  dir = mkdtempSync(join(tmpdir(), "coachbot-dashboard-"));
  const seed = openSqliteStore(join(dir, "coachbot.db"));
  await seed.putDoc("clock", "now", { at: NOW });
  await seed.close();
  const config = parseConfig(
    { DATA_DIR: dir, PORT: "0", CLOCK: "manual", SCHEDULER: "off", LOG_LEVEL: "silent" },
    { cwd: dir, exists: existsSync },
  );
  service = await startService(config, createLogger("silent"));
  await seedPrairieValley(service.store);
  secret = (await service.store.getDoc<{ value: string }>("secrets", "links"))!.value;
  base = `http://127.0.0.1:${service.port}`;
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasBrowser)("the dashboard page", () => {
  it("shows a district administrator charts with data, the buildings and the CST cadence", async () => {
    const { page, watch, status } = await open(await linkFor(SUSAN));
    expect(status).toBe(200);
    await page.getByTestId("summary").getByText("Observations completed").waitFor();
    expect(await shown(page.locator("#summary-heading"))).toBe("October 2026 so far");

    const activity = await chartOf(page, "chart-activity");
    expect(activity.labels).toEqual(["August 2026", "September 2026", "October 2026"]);
    expect(activity.legend).toEqual([
      "Observations completed",
      "Educators receiving coaching",
      "Feedback given",
    ]);
    // The seed's observations: 3 in September, 8 in October.
    expect(activity.data[0]).toEqual([0, 3, 8]);
    expect(await inked(page, "chart-activity")).toBeGreaterThan(1000);

    const quality = await chartOf(page, "chart-quality");
    expect(quality.legend).toEqual(["Completion rate (%)", "Average usefulness rating (1-5)"]);
    expect(await inked(page, "chart-quality")).toBeGreaterThan(500);
    expect(await shown(page.locator("#quality-note"))).toContain("fewer than 5");

    const focus = await chartOf(page, "chart-focus");
    expect(focus.labels[0]).toBe("Common Formative Assessment");
    expect(await inked(page, "chart-focus")).toBeGreaterThan(500);

    expect(await shown(page.getByTestId("buildings"))).toMatch(
      /Prairie Valley Elementary[\s\S]*Prairie Valley Middle School/,
    );
    expect(await shown(page.getByTestId("ledger"))).toMatch(
      /Prairie Valley R-IV\s+2026-10-08\s+12\s+2026-11-07\s+on track/,
    );
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-district.png"), fullPage: true });

    // Nothing on the page names a person or repeats what anyone wrote.
    const text = await shown(page.locator("body"));
    for (const name of ["Emily", "Lauren", "Okafor", "Kevin", "exit tickets", "Room 12"])
      expect(text).not.toContain(name);

    // The three Teams themes redraw the charts in their colours.
    for (const theme of ["dark", "contrast"]) {
      await page.evaluate((t) => {
        document.documentElement.dataset.theme = t;
      }, theme);
      await expect.poll(() => inked(page, "chart-activity")).toBeGreaterThan(1000);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-${theme}.png`), fullPage: true });
    }
    expect(watch.problems).toEqual([]);
    await page.close();
  });

  it("filters by building and practice, and downloads the same aggregates as CSV", async () => {
    const { page, watch } = await open(await linkFor(SUSAN));
    await page.getByTestId("summary").getByText("Observations completed").waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export").click()]);
    const csv = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(csv[0]).toMatch(/^"period","scope","educatorsCoached",/);
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(
      ["2026-08", "2026-09", "2026-10"].flatMap((m) => [
        `"${m}","Prairie Valley R-IV"`,
        `"${m}","Prairie Valley Elementary"`,
        `"${m}","Prairie Valley Middle School"`,
      ]),
    );
    // The same figures as the October digest (tests/unit/workflows/digest.test.ts).
    expect(csv).toContain('"2026-10","Prairie Valley R-IV",7,5,13,11,8,1,1,1,1,66.7,7,24,4.2,1');

    await page.getByTestId("filter-building").selectOption("pv-middle");
    await expect.poll(async () => (await chartOf(page, "chart-activity")).data[0]).toEqual([0, 1, 3]);
    expect(await page.getByTestId("buildings").isHidden()).toBe(true);
    await page.getByTestId("filter-practice").selectOption("Developing Assessment Capable Learners");
    await expect.poll(async () => (await chartOf(page, "chart-activity")).data[0]).toEqual([0, 1, 2]);
    expect(await page.getByTestId("export").getAttribute("href")).toContain("building=pv-middle");
    const filtered = await page.request.get(base + (await page.getByTestId("export").getAttribute("href")));
    expect(
      (await filtered.text())
        .trim()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[1]),
    ).toEqual([
      '"Prairie Valley Middle School: Developing Assessment Capable Learners"',
      '"Prairie Valley Middle School: Developing Assessment Capable Learners"',
      '"Prairie Valley Middle School: Developing Assessment Capable Learners"',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-filtered.png"), fullPage: true });
    expect(watch.problems).toEqual([]);
    await page.close();
  });

  it("shows a teacher only their own cycles", async () => {
    const { page, watch } = await open(await linkFor(EMILY));
    await page.getByTestId("mine").locator("tbody tr").first().waitFor();
    // Emily observed (s2, e4) and was to be observed (e5, e6), as the seed has it.
    expect(await page.getByTestId("mine").locator("tbody tr").count()).toBe(4);
    expect(await page.getByTestId("filters").locator("select:visible").count()).toBe(0);
    expect(await page.locator("#summary-panel").isHidden()).toBe(true);
    expect((await chartOf(page, "chart-activity")).legend).toEqual([
      "Your observations",
      "Feedback exchanged",
    ]);
    const text = await shown(page.locator("body"));
    for (const partner of ["Jacob", "Sofia", "Whitehorse"]) expect(text).not.toContain(partner);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-teacher.png"), fullPage: true });
    expect(watch.problems).toEqual([]);
    await page.close();
  });

  it("refuses a tampered link, a teacher's link to the district view, and an expired link, saying what to do", async () => {
    const good = new URL(await linkFor(SUSAN));
    const tampered = new URL(good);
    tampered.searchParams.set("scope", "district:cedar-bluff");
    const bad = await open(tampered.toString(), [403]);
    expect(bad.status).toBe(403);
    expect(await shown(bad.page.getByTestId("refusal"))).toMatch(/not valid[\s\S]*Type “dashboard”/);
    await bad.page.close();

    const signer = new LinkSigner(secret, base);
    const teacherToDistrict = signer.sign(
      "/dashboard",
      { person: EMILY, scope: "district:prairie-valley" },
      Date.parse(NOW) + 3_600_000,
    );
    const teacher = await open(teacherToDistrict, [403]);
    expect(teacher.status).toBe(403);
    expect(await shown(teacher.page.getByTestId("refusal"))).toMatch(/not available to you/);
    const data = await teacher.page.request.get(
      teacherToDistrict.replace("/dashboard?", "/dashboard/data.json?"),
    );
    expect(data.status()).toBe(403);
    await teacher.page.screenshot({ path: join(ARTIFACTS, "dashboard-refused.png") });
    await teacher.page.close();

    // Two hours later (the service's clock), the hour-long link has expired.
    const travel = await fetch(`${service.url}/local/api/time-travel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "2026-10-20T17:00:00Z" }),
    });
    expect(travel.status).toBe(200);
    const expired = await open(good.toString(), [410]);
    expect(expired.status).toBe(410);
    expect(await shown(expired.page.getByTestId("refusal"))).toMatch(/expired[\s\S]*fresh one/);
    const csv = await expired.page.request.get(
      good.toString().replace("/dashboard?", "/dashboard/export.csv?"),
    );
    expect(csv.status()).toBe(410);
    await expired.page.screenshot({ path: join(ARTIFACTS, "dashboard-expired.png") });
    expect([...bad.watch.problems, ...teacher.watch.problems, ...expired.watch.problems]).toEqual([]);
    await expired.page.close();
  });
});
