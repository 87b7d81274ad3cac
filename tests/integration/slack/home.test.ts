import { describe, expect, it } from "vitest";
import { dmChannel } from "../../fixtures/fake-slack.js";
import { DEMO_TEAM, demoTestbed, eventually, modalOpenedBy, USERS } from "./harness.js";
import { button, buttonsOf, formOf, type Json, textOf } from "./payloads.js";

// The App Home tab, published on app_home_opened: what the person's commands show, by role.
// A teacher: status, dashboard, help. An administrator or facilitator also: the CST cadence.
// Nobody's home shows another pair's coaching.

const { ethan: ETHAN, gary: GARY, denise: DENISE, stranger: STRANGER } = USERS;

// Monday 07:45 in Cedar Bluff: the science peers are prompted.
const t = demoTestbed([ETHAN, USERS.yolanda, GARY, DENISE, STRANGER], { at: "2026-09-14T12:45:00Z" });

const homeOpened = (user: { id: string }, tab: "home" | "messages") =>
  t.fake.event(DEMO_TEAM, { type: "app_home_opened", user: user.id, channel: dmChannel(user.id), tab });

async function openHome(user: { id: string }): Promise<Json> {
  const before = t.fake.callsTo("views.publish").length;
  await homeOpened(user, "home");
  await eventually(() => t.fake.callsTo("views.publish").length > before);
  const call = t.fake.callsTo("views.publish").at(-1)!;
  expect(call.args.user_id).toBe(user.id);
  return call.args.view as Json;
}

describe("App Home", () => {
  it("shows a teacher what waits for them, with its button, and the commands", async () => {
    const home = await openHome(ETHAN);
    expect(home.type).toBe("home");
    const text = textOf(home);
    expect(text).toContain("Waiting for you:");
    expect(text).toContain("You observe Yolanda Pierce: Data-Based Decision Making");
    expect(text).toContain("Commands:");
    expect(text).not.toContain("CST cadence");
    expect(button(home, "obs.pick-time").value).toBe("cedar-bluff/cb-science-peers-c1");
  });

  it("lets the Home tab's buttons work: a form opens as a modal; a link button does nothing more", async () => {
    const home = await openHome(ETHAN);
    const view = await modalOpenedBy(t.fake, () =>
      t.fake.click(DEMO_TEAM, ETHAN.id, button(home, "obs.pick-time")),
    );
    expect(formOf(view)).toBe("obs.schedule");
    const dashboard = buttonsOf(home).find((b) => b.url?.includes("/dashboard"))!;
    expect(new URL(dashboard.url!).searchParams.get("scope")).toBe("self");
    const calls = t.fake.calls.length;
    await t.fake.click(DEMO_TEAM, ETHAN.id, dashboard);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.calls.slice(calls)).toEqual([]);
  });

  it("shows an administrator the district's CST cadence and a dashboard link, never a pair's coaching", async () => {
    const home = await openHome(GARY);
    const text = textOf(home);
    expect(text).toContain("CST cadence:");
    expect(text).toContain("Cedar Bluff R-I");
    expect(text).not.toMatch(/Yolanda|Ethan/);
    const dashboard = buttonsOf(home).find((b) => b.url?.includes("/dashboard"))!;
    expect(new URL(dashboard.url!).searchParams.get("scope")).toBe("district:cedar-bluff");
  });

  it("shows a facilitator the cadence of every district served, and logs a contact from there", async () => {
    const home = await openHome(DENISE);
    expect(textOf(home)).toContain("Prairie Valley R-IV");
    expect(textOf(home)).toContain("Cedar Bluff R-I");
    const logs = buttonsOf(home).filter((b) => b.action_id === "cst.log");
    expect(logs).toHaveLength(2);
    const view = await modalOpenedBy(t.fake, () => t.fake.click(DEMO_TEAM, DENISE.id, logs[0]!));
    expect(formOf(view)).toBe("cst.checkin");
  });

  it("explains itself, once, to someone the roster does not know", async () => {
    const home = await openHome(STRANGER);
    const text = textOf(home);
    expect(text).toContain("I don't have you in your district's coaching roster");
    expect(text.match(/coaching roster/g)).toHaveLength(1);
  });

  it("ignores the Messages tab", async () => {
    const before = t.fake.callsTo("views.publish").length;
    await homeOpened(ETHAN, "messages");
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.callsTo("views.publish")).toHaveLength(before);
  });

  it("sent nothing Slack would refuse", () => {
    expect(t.fake.violations).toEqual([]);
  });
});
