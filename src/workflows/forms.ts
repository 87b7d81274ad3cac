import {
  DCI_PRACTICES,
  EVIDENCE_MODES,
  type EvidenceMode,
  MOMENTS_OF_NEED,
  type MomentOfNeed,
  SUPPORTS,
  type Support,
} from "../domain/model.js";
import { GLOW_MAX, GROW_MAX, NOTE_MAX, REFLECTION_MAX } from "../domain/text.js";
import { defineForm, field } from "../ui/forms.js";

// The form catalogue: every form the bot shows, on every platform.

const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>) =>
  values.map((value) => ({ value, label: labels[value] }));

export const EVIDENCE_LABELS: Record<EvidenceMode, string> = {
  observation: "Observation",
  video: "Video of the lesson",
  "student-evidence": "Student evidence (discourse, work)",
  journaling: "Journaling",
};

export const SUPPORT_LABELS: Record<Support, string> = {
  modeling: "Modeling a lesson",
  "co-planning": "Co-planning",
  resource: "Sharing a resource",
  none: "No support needed right now",
};

export const MOMENT_LABELS: Record<MomentOfNeed, string> = {
  "learning-first-time": "Learning for the first time",
  "learning-more": "Learning more",
  "remembering-applying": "Remembering or applying",
  "things-go-wrong": "When things go wrong",
  "things-change": "When things change",
};

export const DECLINE_REASONS = {
  testing: "Testing or assessment window",
  leave: "Leave or absence",
  conflict: "Schedule conflict this cycle",
  other: "Other",
} as const;

export const scheduleForm = defineForm({
  id: "obs.schedule",
  title: "Pick an observation time",
  submitLabel: "Schedule",
  fields: {
    date: field.date("date", {
      label: "Date",
      required: true,
      requiredMessage: "Pick the day of the observation.",
    }),
    time: field.time("time", {
      label: "Start time",
      hint: "During the school day, in the district's time zone.",
      required: true,
      requiredMessage: "Pick a start time.",
    }),
    note: field.longText("note", {
      label: "Note for your partner",
      hint: "Optional: the class, the room, what to look for.",
      required: false,
      maxLength: NOTE_MAX,
    }),
  },
});

export const declineForm = defineForm({
  id: "obs.decline",
  title: "Not this cycle",
  intro: "No problem. The next cycle will come around as usual.",
  submitLabel: "Skip this cycle",
  fields: {
    reason: field.select("reason", {
      label: "Reason",
      required: true,
      requiredMessage:
        "Pick a reason: it helps plan coaching time, and it is only counted, never shown by name.",
      options: Object.entries(DECLINE_REASONS).map(([value, label]) => ({ value, label })),
    }),
  },
});

export const feedbackForm = defineForm({
  id: "fb.give",
  title: "Coaching feedback",
  intro: "Private to you and your partner. Start with a strength, then one growth step.",
  submitLabel: "Send feedback",
  fields: {
    focus: field.select("focus", {
      label: "Focus practice",
      required: true,
      options: DCI_PRACTICES.map((p) => ({ value: p, label: p })),
    }),
    evidence: field.multiSelect("evidence", {
      label: "Evidence used",
      required: true,
      requiredMessage: "Pick at least one kind of evidence.",
      options: labelled(EVIDENCE_MODES, EVIDENCE_LABELS),
    }),
    glow: field.longText("glow", {
      label: "Strength (glow)",
      hint: "What went well? Be specific: what you saw and why it mattered.",
      required: true,
      requiredMessage: "Start with a strength: write what went well.",
      maxLength: GLOW_MAX,
    }),
    grow: field.longText("grow", {
      label: "One growth step (grow)",
      hint: "One element to work on, with a specific example.",
      required: true,
      requiredMessage: "Add one growth step.",
      maxLength: GROW_MAX,
    }),
    nextStep: field.select("nextStep", {
      label: "Next step: support offered",
      required: true,
      requiredMessage: "Pick the support you offer next (or none).",
      options: labelled(SUPPORTS, SUPPORT_LABELS),
    }),
    nextStepNote: field.text("nextStepNote", {
      label: "Details of the next step",
      required: false,
      maxLength: NOTE_MAX,
    }),
    momentOfNeed: field.select("momentOfNeed", {
      label: "Moment of need",
      hint: "Optional.",
      required: false,
      options: labelled(MOMENTS_OF_NEED, MOMENT_LABELS),
    }),
  },
});

export const reflectionForm = defineForm({
  id: "fb.reflect",
  title: "Reflect on feedback",
  intro: "Your partner sees your reflection. Your rating is only ever counted with others'.",
  submitLabel: "Send reflection",
  fields: {
    reflection: field.longText("reflection", {
      label: "What will you try next?",
      required: true,
      requiredMessage: "Write a sentence or two about what you will try next.",
      maxLength: REFLECTION_MAX,
    }),
    usefulness: field.rating("usefulness", {
      label: "How useful was this feedback? (1-5)",
      required: true,
      requiredMessage: "Rate the feedback from 1 (not useful) to 5 (very useful).",
    }),
  },
});

export const FORMS = [scheduleForm, declineForm, feedbackForm, reflectionForm];
