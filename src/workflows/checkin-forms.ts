import { CONTACT_MODES, CONTACT_SETTINGS, CONTACT_TOPICS, type Contact } from "../domain/model.js";
import { NOTE_MAX } from "../domain/text.js";
import { defineForm, field } from "../ui/forms.js";

// The CST contact form. Its district options are the districts the person may log for, so the
// form is built per person and the same build validates the submission (a district outside the
// list is refused like any other bad choice).

export const CHECKIN_FORM_ID = "cst.checkin";

export const MODE_LABELS: Record<Contact["mode"], string> = { written: "Written", verbal: "Verbal" };
export const SETTING_LABELS: Record<Contact["setting"], string> = {
  virtual: "Virtual",
  "on-site": "On-site",
};
export const TOPIC_LABELS: Record<Contact["topics"][number], string> = {
  "dci-practices": "DCI practices",
  leadership: "Leadership",
  "data-review": "Data review",
  other: "Other",
};

const options = <T extends string>(values: readonly T[], labels: Record<T, string>) =>
  values.map((value) => ({ value, label: labels[value] }));

export function checkinForm(districts: readonly { id: string; name: string }[]) {
  return defineForm({
    id: CHECKIN_FORM_ID,
    title: "Log a CST contact",
    intro: "A contact between the district and its Coaching Support Team. Logging it resets the cadence.",
    submitLabel: "Log contact",
    fields: {
      district: field.select("district", {
        label: "District",
        required: true,
        requiredMessage: "Pick the district the contact was with.",
        options: districts.map((d) => ({ value: d.id, label: d.name })),
      }),
      date: field.date("date", {
        label: "Date of the contact",
        hint: "Today or earlier.",
        required: true,
        requiredMessage: "Give the date the contact happened.",
      }),
      mode: field.select("mode", {
        label: "Mode",
        required: true,
        requiredMessage: "Was the contact written or verbal?",
        options: options(CONTACT_MODES, MODE_LABELS),
      }),
      setting: field.select("setting", {
        label: "Setting",
        required: true,
        requiredMessage: "Was the contact virtual or on-site?",
        options: options(CONTACT_SETTINGS, SETTING_LABELS),
      }),
      topics: field.multiSelect("topics", {
        label: "Topics",
        required: true,
        requiredMessage: "Pick at least one topic.",
        options: options(CONTACT_TOPICS, TOPIC_LABELS),
      }),
      nextStep: field.text("nextStep", {
        label: "Next step",
        hint: "Optional.",
        required: false,
        maxLength: NOTE_MAX,
      }),
    },
  });
}
