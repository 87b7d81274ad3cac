import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../helpers/local-service.js";
import { browserAvailable, launchBrowser, watchPage } from "./browser.js";

// One whole peer-to-peer observation cycle walked in the local chat page by clicking, the way a
// person tries the bot out: the same walk as tests/integration/observation-cycle.test.ts, but
// every step goes through the page's own controls and every check is on text the page shows.
// Prairie Valley is in America/Chicago (CDT = UTC-5 in September); the page's clock and
// time-travel input use Chicago time whatever the browser's zone, so the browser runs in Berlin.

const EMILY = "emily.tran@prairievalley.example.org"; // observes first
const JACOB = "jacob.whitehorse@prairievalley.example.org";
const CYCLE = "pv-grade3-peers-c1";
const GLOW = "Your exit ticket on equivalent fractions let every student show their thinking in two minutes.";
const GROW = "Try cold-calling with wait time so the quieter table group joins the discussion.";
const REFLECTION = "I will add three seconds of wait time and use name sticks tomorrow.";
const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

const hasBrowser = browserAvailable();

let svc: LocalService;
let browser: Browser;
let page: Page;
let watch: { problems: string[] };

/** The text a person sees in the element (rendered text: hidden parts left out). */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, what these checks are about.
const shown = (locator: Locator) => locator.innerText();
const bot = () => page.locator('[data-testid="message"][data-from="bot"]');
const botSaying = (text: string | RegExp) => bot().filter({ hasText: text });
const dialog = () => page.getByTestId("form-dialog");
const field = (name: string) => dialog().locator(`[data-field="${name}"]`);
const actionsIn = (message: Locator) =>
  message
    .getByTestId("action-button")
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-action")));

/** Picks who to be the way a person does: search by name, then click them in the list. */
async function be(id: string, name: string) {
  await page.getByTestId("person-search").fill(name.split(" ")[0]!);
  await page.locator(`[data-testid="person-option"][data-person="${id}"]`).click();
  await expect.poll(() => shown(page.getByTestId("conversation-title"))).toBe(name);
  await expect.poll(() => page.locator(`[data-person="${id}"]`).getAttribute("aria-current")).toBe("true");
  // The conversation has loaded once the empty note has its loaded wording or messages show.
  await page
    .locator('[data-testid="message"], [data-testid="conversation-empty"]:has-text("No messages yet")')
    .first()
    .waitFor();
}

/** Time travel with the page's own control: a Chicago wall-clock time typed into the input. */
async function travel(chicago: string, expectIso: string, expectClock: string) {
  await page.getByTestId("time-travel-input").fill(chicago);
  await page.getByTestId("time-travel-go").click();
  await expect.poll(() => shown(page.getByTestId("clock-iso"))).toBe(expectIso);
  await expect.poll(() => shown(page.getByTestId("clock"))).toContain(expectClock);
  await expect
    .poll(() => shown(page.getByTestId("time-travel-status")))
    .toMatch(new RegExp(`^Now .*${expectClock}.*\\. \\d+ messages? delivered\\.$`));
}

/** Submits the open form and waits for the dialog to close. */
async function submitForm() {
  await page.getByTestId("form-submit").click();
  await dialog().waitFor({ state: "hidden" });
}

describe.skipIf(!hasBrowser)("the local chat page walks a whole peer-to-peer observation cycle", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Sunday evening: the first prompt is seeded for the next allowed instant, Monday 07:30.
    svc = await startLocalService("2026-09-13T23:00:00Z");
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: "Europe/Berlin",
      locale: "en-US",
    });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    // The only expected HTTP error: 422 for the refused weekend date.
    watch = watchPage(page, { allowStatuses: [422] });
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });
  afterEach(() => {
    // Drained, so a problem fails the step it happened in and not every later one.
    expect(watch.problems.splice(0), "page errors or console errors").toEqual([]);
  });

  it("shows Emily the prompt once the page's time travel reaches Monday 07:30", async () => {
    await page.goto(`${svc.base}/`);
    await expect.poll(() => shown(page.getByTestId("clock"))).toContain("Sun, Sep 13, 2026, 6:00 PM CDT");
    await be(EMILY, "Emily Tran");
    expect(await bot().count()).toBe(0);
    expect(await shown(page.getByTestId("conversation-empty"))).toContain("No messages yet");

    await travel("2026-09-14T07:30", "2026-09-14T12:30:00.000Z", "Mon, Sep 14, 2026, 7:30 AM CDT");
    const prompt = botSaying("You observe Jacob Whitehorse");
    await prompt.waitFor();
    expect(await prompt.getAttribute("data-key")).toMatch(new RegExp(`^prompt:${CYCLE}`));
    expect(await shown(prompt)).toContain("Feedback"); // the group's focus practice
    expect(await actionsIn(prompt)).toEqual(["obs.pick-time", "obs.decline", "obs.snooze"]);
    expect(await shown(prompt.getByTestId("action-button").first())).toBe("Pick a time");
  });

  it("keeps the dialog open with a per-field error for a weekend, then schedules Wednesday 09:30", async () => {
    await botSaying("You observe Jacob Whitehorse").getByRole("button", { name: "Pick a time" }).click();
    await dialog().waitFor();
    expect(await shown(page.getByTestId("form-title"))).toBe("Pick an observation time");

    await field("date").fill("2026-09-19"); // a Saturday
    await field("time").fill("09:30");
    await field("note").fill("Room 12");
    await page.getByTestId("form-submit").click();
    const dateError = dialog().locator('[data-error="date"]');
    await dateError.waitFor();
    expect(await shown(dateError)).toMatch(/weekend/);
    expect(await field("date").getAttribute("aria-invalid")).toBe("true");
    expect(await dialog().isVisible()).toBe(true);
    expect(await dialog().evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    // What was typed is still there.
    expect(await field("date").inputValue()).toBe("2026-09-19");
    expect(await field("time").inputValue()).toBe("09:30");
    expect(await field("note").inputValue()).toBe("Room 12");

    await field("date").fill("2026-09-16"); // Wednesday
    await submitForm();
    await botSaying(/Observation scheduled for Wednesday, September 16 at 9:30 AM/).waitFor();
  });

  it("shows Jacob the confirmation after the next time-travel tick delivers it", async () => {
    await travel("2026-09-14T07:31", "2026-09-14T12:31:00.000Z", "Mon, Sep 14, 2026, 7:31 AM CDT");
    await be(JACOB, "Jacob Whitehorse");
    const confirmation = page.locator(`[data-testid="message"][data-key^="scheduled:${CYCLE}"]`);
    await confirmation.waitFor();
    const text = await shown(confirmation);
    expect(text).toContain("Emily Tran picked the time");
    expect(text).toContain("Room 12");
    expect(await shown(confirmation.getByTestId("message-link"))).toMatch(/calendar/i);
    // The prompt was replaced in place: its buttons are gone.
    const prompt = page.locator(`[data-testid="message"][data-key^="prompt:${CYCLE}"]`);
    expect(await shown(prompt)).toMatch(/Emily Tran scheduled it/);
    expect(await prompt.getByTestId("action-button").count()).toBe(0);
  });

  it("reminds both the school day before and an hour before", async () => {
    const dayBefore = /Reminder: your observation .* is on the next school day/;
    const hourBefore = /Reminder: your observation .* is coming up/;
    await travel("2026-09-15T08:31", "2026-09-15T13:31:00.000Z", "Tue, Sep 15, 2026, 8:31 AM CDT");
    await botSaying(dayBefore).waitFor(); // Jacob
    await be(EMILY, "Emily Tran");
    await botSaying(dayBefore).waitFor();

    await travel("2026-09-16T08:30", "2026-09-16T13:30:00.000Z", "Wed, Sep 16, 2026, 8:30 AM CDT");
    await botSaying(hourBefore).waitFor(); // Emily
    await be(JACOB, "Jacob Whitehorse");
    await botSaying(hourBefore).waitFor();
  });

  it("asks Emily whether it happened and takes her feedback in the form", async () => {
    await travel("2026-09-16T10:30", "2026-09-16T15:30:00.000Z", "Wed, Sep 16, 2026, 10:30 AM CDT");
    await be(EMILY, "Emily Tran");
    const ask = botSaying(/Did your observation of Jacob Whitehorse .*happen\?/);
    await ask.waitFor();
    expect(await actionsIn(ask)).toEqual(["obs.happened", "obs.pick-time", "obs.cancel"]);

    await ask.getByRole("button", { name: "Yes, give feedback" }).click();
    await dialog().waitFor();
    expect(await shown(page.getByTestId("form-title"))).toBe("Coaching feedback");
    expect(await shown(page.getByTestId("form-intro"))).toMatch(/Start with a strength/);
    // The group's focus practice is preselected.
    expect(await field("focus").inputValue()).toBe("Feedback");
    await field("evidence").locator('[data-option="observation"]').check();
    await field("evidence").locator('[data-option="student-evidence"]').check();
    await field("glow").fill(GLOW);
    await field("grow").fill(GROW);
    await field("nextStep").selectOption("modeling");
    expect(await shown(field("nextStep").locator("option:checked"))).toBe("Modeling a lesson");
    // A window tall enough for the whole form (at 900 px the dialog scrolls), for the picture.
    await page.setViewportSize({ width: 1280, height: 1400 });
    await expect.poll(() => dialog().evaluate((d) => d.scrollHeight <= d.clientHeight)).toBe(true);
    const box = (await dialog().boundingBox())!;
    const margin = 16; // a little of the dimmed page around the dialog
    await page.screenshot({
      path: join(ARTIFACTS, "feedback-form.png"),
      clip: {
        x: box.x - margin,
        y: box.y - margin,
        width: box.width + 2 * margin,
        height: box.height + 2 * margin,
      },
    });
    await page.setViewportSize({ width: 1280, height: 900 });

    await submitForm();
    await botSaying(/Sent to Jacob Whitehorse, privately/).waitFor();
  });

  it("delivers the feedback to Jacob, strength first, and takes his reflection and rating", async () => {
    await travel("2026-09-16T10:31", "2026-09-16T15:31:00.000Z", "Wed, Sep 16, 2026, 10:31 AM CDT");
    await be(JACOB, "Jacob Whitehorse");
    const feedback = page.locator(`[data-testid="message"][data-key="feedback:${CYCLE}"]`);
    await feedback.waitFor();
    const text = await shown(feedback);
    expect(text).toContain("Feedback from Emily Tran, just for you");
    expect(text).toContain(`Strength: ${GLOW}`);
    expect(text).toContain(`Growth step: ${GROW}`);
    expect(text).toContain("Modeling a lesson");
    expect(text).toContain("Student evidence (discourse, work)");
    expect(text.indexOf(GLOW)).toBeLessThan(text.indexOf(GROW));
    expect(await actionsIn(feedback)).toEqual(["fb.reflect"]);
    await feedback.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "feedback-delivered.png") });

    await feedback.getByRole("button", { name: "Reflect and rate" }).click();
    await dialog().waitFor();
    expect(await shown(page.getByTestId("form-title"))).toBe("Reflect on feedback");
    await field("reflection").fill(REFLECTION);
    await field("usefulness").locator('[data-option="4"]').check();
    await submitForm();
    await botSaying(/Thanks, Jacob! Emily Tran will see your reflection/).waitFor();
  });

  it("after the next tick, takes the button off Jacob's copy and shows Emily the reflection, not the rating", async () => {
    await page.getByTestId("time-travel-plus-hour").click(); // the next tick delivers both
    await expect.poll(() => shown(page.getByTestId("clock-iso"))).toBe("2026-09-16T16:31:00.000Z");
    // His copy keeps the feedback but loses its button (replaced in place).
    const copy = page.locator(`[data-testid="message"][data-key="feedback:${CYCLE}:reflected"]`);
    await copy.waitFor();
    expect(await shown(copy)).toContain(`Strength: ${GLOW}`);
    expect(await shown(copy)).toContain("You reflected on this feedback");
    expect(await copy.getByTestId("action-button").count()).toBe(0);
    expect(await page.locator(`[data-key="feedback:${CYCLE}"]`).count()).toBe(0);

    await be(EMILY, "Emily Tran");
    const note = botSaying("Jacob Whitehorse reflected on your feedback");
    await note.waitFor();
    const text = await shown(note);
    expect(text).toContain(REFLECTION);
    expect(text).not.toMatch(/\b4\b|rating|useful/i);
  });
});
