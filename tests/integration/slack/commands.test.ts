import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { dmChannel } from "../../fixtures/fake-slack.js";
import { clickInDm, DEMO_TEAM, demoTestbed, eventually, modalOpenedBy, USERS } from "./harness.js";
import { button, buttonsOf, formOf, type Json, textOf } from "./payloads.js";

// What people type: `/coach …` (answered privately in the channel via response_url) and DMs to
// the bot (answered in the DM); forms open as modals. Retried events do their work once.

const { ethan: ETHAN, stranger: STRANGER } = USERS;

// Monday 07:45 in Cedar Bluff: the science peers are prompted.
const t = demoTestbed([ETHAN, USERS.yolanda, STRANGER], { at: "2026-09-14T12:45:00Z" });

const dm = (user: { id: string }) => t.fake.channel(dmChannel(user.id));

describe("/coach", () => {
  it("alone, answers with help, privately", async () => {
    const { status, responseUrl } = await t.fake.slashCommand(DEMO_TEAM, ETHAN.id, "");
    expect(status).toBe(200);
    const reply = await eventually(() => t.fake.responses(responseUrl)[0]);
    expect(reply!.response_type).toBe("ephemeral");
    expect(textOf(reply)).toContain("Commands:");
  });

  it("status shows what waits, with its button", async () => {
    const { responseUrl } = await t.fake.slashCommand(DEMO_TEAM, ETHAN.id, "status");
    const reply = await eventually(() => t.fake.responses(responseUrl)[0]);
    expect(textOf(reply)).toContain("Waiting for you:");
    expect(button(reply, "obs.pick-time").value).toBe("cedar-bluff/cb-science-peers-c1");
  });

  it("schedule opens the form as a modal with the command's trigger", async () => {
    const view = await modalOpenedBy(t.fake, () => t.fake.slashCommand(DEMO_TEAM, ETHAN.id, "schedule"));
    expect(formOf(view)).toBe("obs.schedule");
    expect((view.title as Json).text).toBe("Pick an observation time");
  });
});

describe("DMs to the bot", () => {
  it("are commands, answered in the DM", async () => {
    await t.fake.dm(DEMO_TEAM, ETHAN.id, "help");
    await eventually(() => textOf(dm(ETHAN).at(-1)).includes("Commands:"));
  });

  it("that ask for a form get a button that opens it (a DM gives no trigger to open one)", async () => {
    await t.fake.dm(DEMO_TEAM, ETHAN.id, "schedule");
    const message = await eventually(() =>
      dm(ETHAN).find((m) => buttonsOf(m).some((b) => b.action_id === "coach.open-form")),
    );
    const view = await modalOpenedBy(t.fake, () =>
      clickInDm(t.fake, DEMO_TEAM, ETHAN, message, "coach.open-form"),
    );
    expect(formOf(view)).toBe("obs.schedule");
  });

  it("from someone the roster does not know get a polite explanation (found by e-mail first)", async () => {
    await t.fake.dm(DEMO_TEAM, STRANGER.id, "status");
    const reply = await eventually(() => dm(STRANGER).at(-1));
    expect(textOf(reply)).toContain("I don't have you in your district's coaching roster");
    expect(t.fake.callsTo("users.info").some((c) => c.args.user === STRANGER.id)).toBe(true);
  });

  it("retried four times (same event_id, X-Slack-Retry-Num 0-3) pause once and answer once", async () => {
    const before = dm(ETHAN).length;
    for (const retryNum of [0, 1, 2, 3]) {
      const res = await t.fake.dm(DEMO_TEAM, ETHAN.id, "pause until 2027-01-15", {
        eventId: "EvPAUSE1",
        retryNum,
      });
      expect(res.status).toBe(200);
    }
    await eventually(() => dm(ETHAN).length > before);
    await new Promise((r) => setTimeout(r, 300)); // room for any duplicate to show up
    const answers = dm(ETHAN).slice(before);
    expect(answers).toHaveLength(1);
    expect(textOf(answers[0])).toMatch(/^:white_check_mark: Paused/);
    expect(await t.slack.service.store.getDoc("person-state", ETHAN.email)).toEqual({
      pausedUntil: "2027-01-14",
    });
  });

  it("ignores the bot's own and edited messages", async () => {
    const before = t.fake.calls.length;
    const message = { type: "message", channel_type: "im", channel: dmChannel(ETHAN.id), text: "help" };
    await t.fake.event(DEMO_TEAM, { ...message, user: ETHAN.id, subtype: "message_changed" });
    await t.fake.event(DEMO_TEAM, { ...message, bot_id: "BOTHER" });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.fake.calls.slice(before).filter((c) => c.method === "chat.postMessage")).toEqual([]);
  });

  it("when saving a modal outlasts Slack's 3 seconds, close it in time and confirm in the DM", async () => {
    const view = await modalOpenedBy(t.fake, () => t.fake.slashCommand(DEMO_TEAM, ETHAN.id, "schedule"));
    const store = t.slack.service.store;
    const apply = store.apply.bind(store);
    const slow = vi.spyOn(store, "apply").mockImplementationOnce(async (changes) => {
      await delay(3_000);
      return apply(changes);
    });
    try {
      const started = Date.now();
      const res = await t.fake.submit(DEMO_TEAM, ETHAN.id, view, { date: "2026-09-16", time: "09:30" });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res).toEqual({ status: 200, ack: {} });
      await eventually(() => textOf(dm(ETHAN).at(-1)).includes("Observation scheduled"), 6_000);
    } finally {
      slow.mockRestore();
    }
  });
  it("sent nothing Slack would refuse", () => {
    expect(t.fake.violations).toEqual([]);
  });
});
