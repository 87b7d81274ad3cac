import { z } from "zod";
import { localDate } from "../domain/calendar.js";
import type { Cycle } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import { isRealDate } from "../ui/forms.js";
import type { Action, Block } from "../ui/model.js";
import { roleLine } from "./cycles.js";
import {
  cycleContext,
  type Outcome,
  PERSON_STATE,
  type PersonState,
  replyText,
  type WorkflowDeps,
} from "./deps.js";
import { openFeedback, openReflection } from "./feedback.js";
import { formatDate, formatWhen } from "./format.js";
import { pickTime } from "./observations.js";
import type { WorkflowModule } from "./registry.js";

// The words people type, the same on every platform.

const pauseDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "Write the date like this: `pause until 2027-01-15`." })
  .refine(isRealDate, { message: "That date does not exist." });

/** The everyday commands of a coaching partner. `help` is built by the dispatcher from every module. */
export const commandsModule: WorkflowModule = {
  commands: {
    status: {
      usage: "status",
      help: "your upcoming observations and what's waiting for you",
      handler: (d, p, _a, n) => status(d, p, n),
    },
    schedule: {
      usage: "schedule",
      help: "pick a time for your next observation",
      handler: (d, p, _a, n) => firstWaiting(d, p, n, ["prompted"]),
    },
    feedback: {
      usage: "feedback",
      help: "open feedback waiting for you to write or reflect on",
      handler: (d, p, _a, n) => firstWaiting(d, p, n, ["observed", "feedback-given"]),
    },
    pause: {
      usage: "pause until YYYY-MM-DD",
      help: "no prompts or reminders until that date (leave, testing season)",
      handler: (d, p, args, n) => pause(d, p, args[0] === "until" ? args[1] : args[0], n),
    },
    resume: {
      usage: "resume",
      help: "start prompts again",
      handler: async (d, p) => {
        await d.store.deleteDoc(PERSON_STATE, p);
        return replyText("resumed", "Welcome back! Prompts will come again as usual.", "success");
      },
    },
  },
};

async function myCycles(deps: WorkflowDeps, roster: RosterIndex, personId: string): Promise<Cycle[]> {
  const lists = await Promise.all(
    roster.cycleDistrictsOf(personId).map((d) => deps.store.cyclesForPerson(d, personId)),
  );
  return lists.flat();
}

/** What is waiting for this person to act on: the button that does it. */
function waitingAction(cycle: Cycle, personId: string): Action | null {
  const context = cycleContext(cycle.districtId, cycle.id);
  if (cycle.state === "prompted")
    return { id: "obs.pick-time", label: "Pick a time", style: "primary", context };
  if (cycle.state === "observed" && cycle.observerId === personId)
    return { id: "fb.open", label: "Give feedback", style: "primary", context };
  if (cycle.state === "feedback-given" && cycle.observedId === personId)
    return { id: "fb.reflect", label: "Reflect and rate", style: "primary", context };
  return null;
}

async function status(deps: WorkflowDeps, personId: string, now: Date): Promise<Outcome> {
  const roster = await deps.roster();
  const cycles = await myCycles(deps, roster, personId);
  const blocks: Block[] = [];
  const state = await deps.store.getDoc<PersonState>(PERSON_STATE, personId);
  const home = roster.district(roster.person(personId)?.districtId ?? "");
  if (state?.pausedUntil && home && state.pausedUntil >= localDate(home, now)) {
    blocks.push({
      kind: "text",
      tone: "info",
      text: `Paused until ${formatDate(home, state.pausedUntil)}. Type \`resume\` to start again.`,
    });
  }
  const upcoming = cycles
    .filter(
      (c) =>
        c.state === "scheduled" && c.scheduledAt && Date.parse(c.scheduledAt) >= now.getTime() - 3_600_000,
    )
    .sort((a, b) => a.scheduledAt!.localeCompare(b.scheduledAt!));
  blocks.push({
    kind: "text",
    text: upcoming.length ? "Upcoming observations:" : "No observations scheduled.",
  });
  if (upcoming.length) {
    blocks.push({
      kind: "facts",
      facts: upcoming.map((c) => ({
        label: formatWhen(roster.district(c.districtId)!, c.scheduledAt!),
        value: `${roleLine(roster, c, personId)} (${c.focus})`,
      })),
    });
  }
  const waiting = cycles.map((c) => ({ c, action: waitingAction(c, personId) })).filter((w) => w.action);
  blocks.push({ kind: "text", text: waiting.length ? "Waiting for you:" : "Nothing is waiting for you." });
  for (const { c, action } of waiting) {
    blocks.push({ kind: "text", text: `${roleLine(roster, c, personId)}: ${c.focus}` });
    blocks.push({ kind: "actions", actions: [action!] });
  }
  return {
    reply: {
      messages: [
        {
          key: `status:${now.getTime()}`,
          summary: `${upcoming.length} upcoming, ${waiting.length} waiting for you`,
          blocks,
        },
      ],
    },
  };
}

async function firstWaiting(
  deps: WorkflowDeps,
  personId: string,
  now: Date,
  states: Cycle["state"][],
): Promise<Outcome> {
  const roster = await deps.roster();
  const cycle = (await myCycles(deps, roster, personId))
    .filter((c) => states.includes(c.state) && waitingAction(c, personId))
    .sort((a, b) => a.promptedAt.localeCompare(b.promptedAt))[0];
  if (!cycle) {
    return replyText(
      "nothing-waiting",
      states.includes("prompted")
        ? "There's no observation waiting for a time right now."
        : "There's no feedback waiting for you right now.",
    );
  }
  const context = cycleContext(cycle.districtId, cycle.id);
  if (cycle.state === "prompted") return pickTime(deps, personId, context, now);
  return cycle.state === "observed"
    ? openFeedback(deps, personId, context)
    : openReflection(deps, personId, context);
}

async function pause(
  deps: WorkflowDeps,
  personId: string,
  date: string | undefined,
  now: Date,
): Promise<Outcome> {
  const parsed = pauseDate.safeParse(date ?? "");
  if (!parsed.success) return replyText("pause-error", parsed.error.issues[0]!.message, "warning");
  const roster = await deps.roster();
  const district = roster.district(roster.person(personId)?.districtId ?? "") ?? roster.roster.districts[0]!;
  if (parsed.data <= localDate(district, now)) {
    return replyText("pause-error", "Pick a date after today, e.g. `pause until 2027-01-15`.", "warning");
  }
  // Paused through the day before the date given: prompts resume on that date.
  const until = new Date(Date.parse(`${parsed.data}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  await deps.store.putDoc<PersonState>(PERSON_STATE, personId, { pausedUntil: until });
  return replyText(
    "paused",
    `Paused. I won't send you prompts or reminders until ${formatDate(district, parsed.data)}. Type \`resume\` to start earlier.`,
    "success",
  );
}
