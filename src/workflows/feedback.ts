import { transition } from "../domain/cycle.js";
import type { Feedback } from "../domain/model.js";
import { formView, validateForm } from "../ui/forms.js";
import type { Message } from "../ui/model.js";
import { cycleChange, firstName, openStep } from "./cycles.js";
import { type Outcome, toPerson, type WorkflowDeps } from "./deps.js";
import { EVIDENCE_LABELS, feedbackForm, MOMENT_LABELS, reflectionForm, SUPPORT_LABELS } from "./forms.js";
import { refusal } from "./permissions.js";
import type { WorkflowModule } from "./registry.js";
import { studentMentionErrors } from "./student-check.js";

// Feedback goes from the observer to the observed teacher and nowhere else; the teacher's
// reflection goes back to the observer. The usefulness rating stays with the teacher: only
// aggregates of it ever leave the pair.

export async function openFeedback(deps: WorkflowDeps, personId: string, context: string): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:fb.open", ["observed"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle } = opened;
  return {
    reply: {
      messages: [],
      form: formView(feedbackForm, context, {
        intro: `For ${roster.name(cycle.observedId)}, private to the two of you. Start with a strength, then one growth step.`,
        values: { focus: cycle.focus, evidence: ["observation"] },
      }),
    },
  };
}

export async function submitFeedback(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "form:fb.give", ["observed"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district } = opened;
  const parsed = validateForm(feedbackForm, values);
  if (!parsed.ok) return { reply: { messages: [], errors: parsed.errors } };
  const f = parsed.data;
  const warned = await studentMentionErrors(deps, roster, `${cycle.id}:fb`, {
    glow: f.glow,
    grow: f.grow,
    nextStepNote: f.nextStepNote,
  });
  if (warned) return { reply: { messages: [], errors: warned } };
  const feedback: Feedback = {
    cycleId: cycle.id,
    districtId: district.id,
    ...(cycle.buildingId ? { buildingId: cycle.buildingId } : {}),
    coachId: cycle.observerId,
    teacherId: cycle.observedId,
    focus: f.focus,
    evidence: f.evidence as Feedback["evidence"],
    glow: f.glow,
    grow: f.grow,
    nextStep: f.nextStep as Feedback["nextStep"],
    ...(f.nextStepNote ? { nextStepNote: f.nextStepNote } : {}),
    ...(f.momentOfNeed ? { momentOfNeed: f.momentOfNeed as Feedback["momentOfNeed"] } : {}),
    observedAt: cycle.observedAt ?? now.toISOString(),
    givenAt: now.toISOString(),
  };
  const given = transition({ ...cycle, focus: f.focus }, { type: "giveFeedback", at: now }, now);
  const teacher = roster.name(cycle.observedId);
  return {
    changes: {
      ...cycleChange(district.id, cycle, given),
      feedback: [feedback],
      cancelDue: [`fb-nudge:${cycle.id}`],
      outbox: [
        toPerson(
          district.id,
          cycle.observedId,
          feedbackMessage(roster.name(personId), feedback, context),
          now,
        ),
      ],
    },
    reply: {
      messages: [
        {
          key: `fb-sent:${cycle.id}`,
          summary: `Feedback sent to ${teacher}`,
          blocks: [
            {
              kind: "text",
              tone: "success",
              text: `Sent to ${teacher}, privately. You'll see their reflection here when they reply.`,
            },
          ],
        },
      ],
    },
  };
}

/** The teacher's copy; once reflected on, it is re-sent without the button (and keeps the text). */
function feedbackMessage(coachName: string, f: Feedback, context: string, reflected = false): Message {
  const facts = [
    { label: "Focus practice", value: f.focus },
    { label: "Evidence", value: f.evidence.map((e) => EVIDENCE_LABELS[e]).join(", ") },
    { label: "Next step", value: SUPPORT_LABELS[f.nextStep] + (f.nextStepNote ? `: ${f.nextStepNote}` : "") },
  ];
  if (f.momentOfNeed) facts.push({ label: "Moment of need", value: MOMENT_LABELS[f.momentOfNeed] });
  const key = `feedback:${f.cycleId}`;
  return {
    key: reflected ? `${key}:reflected` : key,
    ...(reflected ? { replaces: key } : {}),
    summary: `Feedback from ${coachName} on your lesson`,
    blocks: [
      { kind: "text", text: `Feedback from ${coachName}, just for you:` },
      { kind: "text", tone: "success", text: `Strength: ${f.glow}` },
      { kind: "text", text: `Growth step: ${f.grow}` },
      { kind: "facts", facts },
      reflected
        ? { kind: "text", text: "You reflected on this feedback. Thank you!" }
        : {
            kind: "actions",
            actions: [{ id: "fb.reflect", label: "Reflect and rate", style: "primary", context }],
          },
    ],
  };
}

export async function openReflection(
  deps: WorkflowDeps,
  personId: string,
  context: string,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "action:fb.reflect", ["feedback-given"]);
  if ("refused" in opened) return opened.refused;
  return { reply: { messages: [], form: formView(reflectionForm, context) } };
}

export async function submitReflection(
  deps: WorkflowDeps,
  personId: string,
  context: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const opened = await openStep(deps, personId, context, "form:fb.reflect", ["feedback-given"]);
  if ("refused" in opened) return opened.refused;
  const { roster, cycle, district } = opened;
  const parsed = validateForm(reflectionForm, values);
  if (!parsed.ok) return { reply: { messages: [], errors: parsed.errors } };
  const warned = await studentMentionErrors(deps, roster, `${cycle.id}:reflect`, {
    reflection: parsed.data.reflection,
  });
  if (warned) return { reply: { messages: [], errors: warned } };
  const feedback = await deps.store.feedbackFor(district.id, cycle.id, personId);
  if (!feedback) return refusal("not-yours");
  const reflected = transition(cycle, { type: "reflect", at: now }, now);
  const coach = roster.name(cycle.observerId);
  const note: Message = {
    key: `reflection:${cycle.id}`,
    summary: `${roster.name(personId)} reflected on your feedback`,
    blocks: [
      { kind: "text", text: `${roster.name(personId)} reflected on your feedback. What they will try next:` },
      { kind: "text", text: parsed.data.reflection },
    ],
  };
  return {
    changes: {
      ...cycleChange(district.id, cycle, reflected),
      feedback: [
        {
          ...feedback,
          reflection: parsed.data.reflection,
          usefulness: parsed.data.usefulness,
          reflectedAt: now.toISOString(),
        },
      ],
      outbox: [
        toPerson(district.id, cycle.observerId, note, now),
        toPerson(district.id, personId, feedbackMessage(coach, feedback, context, true), now),
      ],
    },
    reply: {
      messages: [
        {
          key: `reflected:${cycle.id}`,
          summary: "Reflection sent",
          blocks: [
            {
              kind: "text",
              tone: "success",
              text: `Thanks, ${firstName(roster.name(personId))}! ${coach} will see your reflection; your rating is only counted with others'.`,
            },
          ],
        },
      ],
    },
  };
}

export const feedbackModule: WorkflowModule = {
  actions: {
    "fb.open": (d, p, c) => openFeedback(d, p, c),
    "fb.reflect": (d, p, c) => openReflection(d, p, c),
  },
  submits: { [feedbackForm.id]: submitFeedback, [reflectionForm.id]: submitReflection },
};
