import { addSchoolDays, localDate, mayMessage, nextAllowed } from "../domain/calendar.js";
import { transition } from "../domain/cycle.js";
import type { Cycle, District } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import type { ChangeSet, DueItem, NewOutboxEntry } from "../store/port.js";
import { formView } from "../ui/forms.js";
import type { Message } from "../ui/model.js";
import {
  cycleChange,
  cycleDueKeys,
  cycleFacts,
  firstName,
  openStep,
  promptClosed,
  promptMessage,
} from "./cycles.js";
import { cycleContext, type Outcome, pausedUntil, toPerson, type WorkflowDeps } from "./deps.js";
import { formatWhen } from "./format.js";
import { feedbackForm } from "./forms.js";
import { dueItem, EXPIRE_AFTER_SCHOOL_DAYS, NUDGE_AFTER_SCHOOL_DAYS } from "./observations.js";
import type { WorkflowModule } from "./registry.js";

// What happens around a scheduled cycle without anyone asking: nudges, reminders, "did it
// happen?", and the follow-ups when nobody answers. Every handler re-reads the cycle, so a due
// item that outlived its purpose (the cycle moved on) does nothing.

type Loaded = { roster: RosterIndex; district: District; cycle: Cycle };

async function load(deps: WorkflowDeps, item: DueItem): Promise<Loaded | null> {
  const roster = await deps.roster();
  const district = roster.district(item.districtId);
  const cycle = district && (await deps.store.getCycle(district.id, String(item.payload.cycleId)));
  return district && cycle ? { roster, district, cycle } : null;
}

/** Outside school hours: come back at the next allowed instant (or never, once `latest` has passed). */
function waitForSchoolHours(item: DueItem, district: District, now: Date, latest?: Date): ChangeSet | null {
  if (mayMessage(district, now)) return null;
  const at = nextAllowed(district, now);
  const keep = at && (!latest || at < latest);
  return { districtId: district.id, ...(keep ? { due: [{ ...item, atMs: at.getTime() }] } : {}) };
}

/** Messages for people who are not paused today. */
async function toActive(
  deps: WorkflowDeps,
  district: District,
  now: Date,
  messages: [personId: string, message: Message][],
): Promise<NewOutboxEntry[]> {
  const today = localDate(district, now);
  const out: NewOutboxEntry[] = [];
  for (const [personId, message] of messages) {
    if (!(await pausedUntil(deps, personId, today))) out.push(toPerson(district.id, personId, message, now));
  }
  return out;
}

const partners = (c: Cycle) => [c.observerId, c.observedId];

export async function promptNudge(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "prompted") return null;
  const { roster, district, cycle } = l;
  const wait = waitForSchoolHours(item, district, now);
  if (wait) return wait;
  const stage = Number(item.payload.stage);
  const nudged = transition(cycle, { type: "nudge" }, now);
  const next =
    stage === 1
      ? dueItem(
          district.id,
          `nudge:${cycle.id}`,
          "prompt-nudge",
          addSchoolDays(district, now, NUDGE_AFTER_SCHOOL_DAYS[1] - NUDGE_AFTER_SCHOOL_DAYS[0]),
          { cycleId: cycle.id, stage: 2 },
        )
      : dueItem(
          district.id,
          `expire:${cycle.id}`,
          "prompt-expire",
          addSchoolDays(district, now, EXPIRE_AFTER_SCHOOL_DAYS),
          { cycleId: cycle.id },
        );
  const messages = partners(cycle).map((p): [string, Message] => {
    const prompt = promptMessage(roster, district, nudged, p);
    const lead = stage === 1 ? "A gentle reminder" : "One last reminder for this cycle";
    return [
      p,
      {
        ...prompt,
        key: `nudge${stage}:${cycle.id}:${p}`,
        summary: `${lead}: pick a time to observe with your partner.`,
        blocks: [
          {
            kind: "text",
            text: `${lead}: when could you and ${roster.name(p === cycle.observerId ? cycle.observedId : cycle.observerId)} do this cycle's observation?`,
          },
          ...prompt.blocks.slice(1),
        ],
      },
    ];
  });
  return {
    ...cycleChange(district.id, cycle, nudged),
    due: [next],
    outbox: await toActive(deps, district, now, messages),
  };
}

/** No answer after both nudges: closed as unscheduled (counted in digests, never named). */
export async function promptExpire(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "prompted") return null;
  const expired = transition(l.cycle, { type: "expire" }, now);
  return {
    ...cycleChange(l.district.id, l.cycle, expired),
    outbox: partners(l.cycle).map((p) =>
      toPerson(
        l.district.id,
        p,
        promptClosed(
          expired,
          p,
          "This cycle closed without a time. No worries: the next one will come around as usual.",
        ),
        now,
      ),
    ),
  };
}

export async function snoozeReturn(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "prompted") return null;
  const wait = waitForSchoolHours(item, l.district, now);
  if (wait) return wait;
  const personId = String(item.payload.personId);
  const prompt = promptMessage(l.roster, l.district, l.cycle, personId);
  return {
    districtId: l.district.id,
    outbox: await toActive(deps, l.district, now, [
      [personId, { ...prompt, key: `${prompt.key}:again:${now.getTime()}` }],
    ]),
  };
}

export async function remind(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "scheduled" || l.cycle.scheduledAt !== item.payload.scheduledAt) return null;
  const { roster, district, cycle } = l;
  const at = new Date(cycle.scheduledAt!);
  const wait = waitForSchoolHours(item, district, now, at);
  if (wait) return wait;
  const when =
    item.kind === "remind-day"
      ? formatWhen(district, cycle.scheduledAt!)
      : `at ${formatWhen(district, cycle.scheduledAt!)}`;
  const messages = partners(cycle).map((p): [string, Message] => [
    p,
    {
      key: `${item.kind}:${cycle.id}:${cycle.reschedules}:${p}`,
      summary: `Reminder: observation ${item.kind === "remind-day" ? "tomorrow" : "in an hour"}`,
      blocks: [
        {
          kind: "text",
          text: `Reminder: your observation with ${roster.name(p === cycle.observerId ? cycle.observedId : cycle.observerId)} is ${item.kind === "remind-day" ? "on the next school day" : "coming up"}, ${when}.`,
        },
        cycleFacts(roster, district, cycle, p),
      ],
    },
  ]);
  return { districtId: district.id, outbox: await toActive(deps, district, now, messages) };
}

function askKey(cycle: Cycle): string {
  return `ask:${cycle.id}:${cycle.reschedules}`;
}

/** After the scheduled time, the observer is asked whether it happened (then nudged; then missed). */
export async function askHappened(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "scheduled" || l.cycle.scheduledAt !== item.payload.scheduledAt) return null;
  const { roster, district, cycle } = l;
  const wait = waitForSchoolHours(item, district, now);
  if (wait) return wait;
  const stage = Number(item.payload.stage ?? 0);
  if (stage >= 2) {
    const missed = transition(cycle, { type: "miss" }, now);
    return { ...cycleChange(district.id, cycle, missed), cancelDue: cycleDueKeys(cycle.id) };
  }
  const context = cycleContext(district.id, cycle.id);
  const message: Message = {
    key: stage === 0 ? askKey(cycle) : `${askKey(cycle)}:nudge${stage}`,
    summary: `Did your observation of ${roster.name(cycle.observedId)} happen?`,
    blocks: [
      {
        kind: "text",
        text: `${stage === 0 ? "" : "Gentle reminder: "}Did your observation of ${roster.name(cycle.observedId)} (${formatWhen(district, cycle.scheduledAt!)}) happen?`,
      },
      {
        kind: "actions",
        actions: [
          { id: "obs.happened", label: "Yes, give feedback", style: "primary", context },
          { id: "obs.pick-time", label: "No, reschedule", context },
          { id: "obs.cancel", label: "Cancel it", style: "danger", context },
        ],
      },
    ],
  };
  const nextStage = dueItem(
    district.id,
    `ask-nudge:${cycle.id}`,
    "ask-happened",
    addSchoolDays(
      district,
      now,
      stage === 0 ? NUDGE_AFTER_SCHOOL_DAYS[0] : NUDGE_AFTER_SCHOOL_DAYS[1] - NUDGE_AFTER_SCHOOL_DAYS[0],
    ),
    {
      ...item.payload,
      stage: stage + 1,
    },
  );
  return {
    districtId: district.id,
    due: [nextStage],
    outbox: await toActive(deps, district, now, [[cycle.observerId, message]]),
  };
}

/** "Yes, it happened": the cycle is observed and the feedback form opens straight away. */
export async function happened(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:obs.happened", ["scheduled"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district } = opened;
  const observedAt = new Date(Math.min(Date.parse(cycle.scheduledAt!), now.getTime()));
  const observed = transition(cycle, { type: "confirm", observedAt }, now);
  return {
    changes: {
      ...cycleChange(district.id, cycle, observed),
      cancelDue: [`ask-nudge:${cycle.id}`, `remind-day:${cycle.id}`, `remind-hour:${cycle.id}`],
      due: [
        dueItem(
          district.id,
          `fb-nudge:${cycle.id}`,
          "feedback-nudge",
          addSchoolDays(district, now, NUDGE_AFTER_SCHOOL_DAYS[0]),
          { cycleId: cycle.id },
        ),
      ],
      outbox: [
        toPerson(
          district.id,
          personId,
          {
            key: `${askKey(cycle)}:done`,
            replaces: askKey(cycle),
            summary: "Observation done",
            blocks: [{ kind: "text", text: `Marked as done. Thanks, ${firstName(roster.name(personId))}!` }],
          },
          now,
        ),
      ],
    },
    reply: {
      messages: [],
      form: formView(feedbackForm, context, { values: { focus: cycle.focus, evidence: ["observation"] } }),
    },
  };
}

/** Either partner cancels a prompted or scheduled cycle; the other is told. */
export async function cancel(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:obs.cancel", ["prompted", "scheduled"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district, partnerId } = opened;
  const cancelled = transition(cycle, { type: "cancel" }, now);
  const text = `${roster.name(personId)} cancelled the observation${cycle.scheduledAt ? ` of ${formatWhen(district, cycle.scheduledAt)}` : ""}. The next cycle will come around as usual.`;
  return {
    changes: {
      ...cycleChange(district.id, cycle, cancelled),
      cancelDue: cycleDueKeys(cycle.id),
      outbox: [
        toPerson(
          district.id,
          partnerId,
          {
            key: `cancelled:${cycle.id}:${partnerId}`,
            summary: text,
            blocks: [{ kind: "text", text, tone: "warning" }],
          },
          now,
        ),
      ],
    },
    reply: {
      messages: [
        {
          key: `cancelled:${cycle.id}:${personId}`,
          summary: "Cancelled",
          blocks: [{ kind: "text", text: "Cancelled. Your partner has been told." }],
        },
      ],
    },
  };
}

/** The coach has not written the feedback two school days after the observation. */
export async function feedbackNudge(deps: WorkflowDeps, item: DueItem, now: Date): Promise<ChangeSet | null> {
  const l = await load(deps, item);
  if (!l || l.cycle.state !== "observed") return null;
  const wait = waitForSchoolHours(item, l.district, now);
  if (wait) return wait;
  const { roster, district, cycle } = l;
  const message: Message = {
    key: `fb-nudge:${cycle.id}`,
    summary: `Feedback for ${roster.name(cycle.observedId)} is waiting`,
    blocks: [
      {
        kind: "text",
        text: `Feedback is most useful while it's fresh: a few lines for ${roster.name(cycle.observedId)}, strength first?`,
      },
      {
        kind: "actions",
        actions: [
          {
            id: "fb.open",
            label: "Give feedback",
            style: "primary",
            context: cycleContext(district.id, cycle.id),
          },
        ],
      },
    ],
  };
  return {
    districtId: district.id,
    outbox: await toActive(deps, district, now, [[cycle.observerId, message]]),
  };
}

export const followupsModule: WorkflowModule = {
  actions: { "obs.happened": happened, "obs.cancel": cancel },
  due: (deps) => {
    const bind =
      (f: (d: WorkflowDeps, item: DueItem, now: Date) => Promise<ChangeSet | null>) =>
      (item: DueItem, now: Date) =>
        f(deps, item, now);
    return {
      "prompt-nudge": bind(promptNudge),
      "prompt-expire": bind(promptExpire),
      "snooze-return": bind(snoozeReturn),
      "remind-day": bind(remind),
      "remind-hour": bind(remind),
      "ask-happened": bind(askHappened),
      "feedback-nudge": bind(feedbackNudge),
    };
  },
};
