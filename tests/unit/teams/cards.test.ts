import { describe, expect, it } from "vitest";
import { type CardElement, messageCard, plain } from "../../../adapters/teams/cards.js";
import { formCard, submittedCard } from "../../../adapters/teams/form-cards.js";
import { formView } from "../../../src/ui/forms.js";
import type { FormView, Message } from "../../../src/ui/model.js";
import { feedbackForm, reflectionForm, scheduleForm } from "../../../src/workflows/forms.js";
import { checkAdaptiveCard } from "../../fixtures/adaptive-card-check.js";

// The neutral model as Adaptive Cards 1.5: every card here must also pass Microsoft's SDK and
// our own shape check.

const byType = (elements: CardElement[], type: string) => elements.filter((e) => e.type === type);
const good = (card: unknown) => expect(checkAdaptiveCard(card)).toEqual([]);

describe("plain", () => {
  it.each([
    ["*bold* and _italic_", "\\*bold\\* and \\_italic\\_"],
    ["[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["<at>Principal</at> look", "\\<at\\>Principal\\</at\\> look"],
    ["{{DATE(2026-09-14T12:00:00Z, SHORT)}}", "{\u200B{DATE(2026-09-14T12:00:00Z, SHORT)}}"],
    ["- not a list\n+ nor this\n1. nor this", "\\- not a list\n\\+ nor this\n1\\. nor this"],
    ["C:\\path", "C:\\\\path"],
    ["Grade 3 - fractions, 2.5 hours", "Grade 3 - fractions, 2.5 hours"],
  ])("shows %j as typed", (input, expected) => {
    expect(plain(input)).toBe(expected);
  });
});

describe("messageCard", () => {
  const message: Message = {
    key: "m1",
    summary: "Time to plan an observation",
    blocks: [
      { kind: "text", text: "Hi Emily!\nIt's time to plan.\n\nNew paragraph.", tone: "success" },
      { kind: "facts", facts: [{ label: "Focus practice", value: "Feedback" }] },
      {
        kind: "bars",
        title: "Completed",
        rows: [
          { label: "Elementary", value: 8, display: "8" },
          { label: "Middle", value: 2, display: "2" },
          { label: "High", value: null, display: "fewer than 5" },
        ],
      },
      {
        kind: "actions",
        actions: [
          { id: "obs.pick-time", label: "Pick a time", style: "primary", context: "pv/c1" },
          { id: "obs.cancel", label: "Cancel", style: "danger", context: "pv/c1" },
        ],
      },
      { kind: "link", label: "Add to my calendar", url: "https://coachbot.example.org/calendar/x.ics" },
      { kind: "link", label: "Not a web link", url: "javascript:alert(1)" },
    ],
  };
  const card = messageCard(message);

  it("is a valid 1.5 card with the summary as fallback text", () => {
    good(card);
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", fallbackText: message.summary });
  });

  it("gives each line its own wrapping TextBlock, in the tone's colour, spaced by paragraph", () => {
    const texts = card.body.slice(0, 3);
    expect(texts).toEqual([
      { type: "TextBlock", text: "Hi Emily!", wrap: true, color: "Good" },
      { type: "TextBlock", text: "It's time to plan.", wrap: true, color: "Good", spacing: "None" },
      { type: "TextBlock", text: "New paragraph.", wrap: true, color: "Good", spacing: "Medium" },
    ]);
  });

  it("renders facts as a FactSet and bars as rows with proportional monospace bars", () => {
    expect(byType(card.body, "FactSet")).toEqual([
      { type: "FactSet", facts: [{ title: "Focus practice", value: "Feedback" }] },
    ]);
    const chart = byType(card.body, "Container")[0]!;
    const rows = (chart.items as CardElement[]).slice(1) as { columns: { items: CardElement[] }[] }[];
    const bar = (i: number) => rows[i]!.columns[1]!.items[0]!;
    expect(bar(0)).toMatchObject({ text: "█".repeat(16), fontType: "Monospace" });
    expect(bar(1)).toMatchObject({ text: "████" });
    expect(bar(2)).toMatchObject({ text: " " }); // suppressed: no bar
    expect(rows[2]!.columns[2]!.items[0]).toMatchObject({ text: "fewer than 5", isSubtle: true });
  });

  it("makes buttons Action.Submit with { action, context } and only web links Action.OpenUrl", () => {
    const sets = byType(card.body, "ActionSet").map((s) => s.actions);
    expect(sets[0]).toEqual([
      {
        type: "Action.Submit",
        title: "Pick a time",
        style: "positive",
        data: { action: "obs.pick-time", context: "pv/c1" },
      },
      {
        type: "Action.Submit",
        title: "Cancel",
        style: "destructive",
        data: { action: "obs.cancel", context: "pv/c1" },
      },
    ]);
    expect(sets[1]).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Add to my calendar",
        url: "https://coachbot.example.org/calendar/x.ics",
      },
    ]);
    expect(sets).toHaveLength(2);
    expect(JSON.stringify(card.body.at(-1))).toContain("javascript:alert(1)");
  });
});

describe("formCard", () => {
  const feedback = formView(feedbackForm, "pv/c1", {
    values: { focus: "Feedback", evidence: ["observation", "video"] },
  });

  it("has one labelled input per field, id = field name, with required and error messages", () => {
    const card = formCard(feedback);
    good(card);
    const inputs = card.body.filter((e) => String(e.type).startsWith("Input."));
    expect(inputs.map((i) => i.id)).toEqual(feedbackForm.fields.map((f) => f.name));
    for (const input of inputs) {
      expect(input).toMatchObject({
        label: expect.any(String),
        isRequired: expect.any(Boolean),
        errorMessage: expect.any(String),
      });
    }
    expect(inputs.find((i) => i.id === "focus")).toMatchObject({
      type: "Input.ChoiceSet",
      style: "compact",
      value: "Feedback",
      isRequired: true,
    });
    expect(inputs.find((i) => i.id === "evidence")).toMatchObject({
      isMultiSelect: true,
      style: "expanded",
      value: "observation,video",
    });
    expect(inputs.find((i) => i.id === "glow")).toMatchObject({
      type: "Input.Text",
      isMultiline: true,
      maxLength: 1000,
    });
    expect(inputs.find((i) => i.id === "nextStepNote")).toMatchObject({ isRequired: false });
    expect(inputs.find((i) => i.id === "nextStepNote")).not.toHaveProperty("isMultiline");
    expect(card.actions).toEqual([
      {
        type: "Action.Submit",
        title: "Send feedback",
        style: "positive",
        data: { form: "fb.give", context: "pv/c1" },
      },
    ]);
  });

  it("uses date and time pickers, and 1-5 choices for a rating", () => {
    const schedule = formCard(formView(scheduleForm, "c", { values: { date: "2026-09-16", time: "09:30" } }));
    good(schedule);
    expect(byType(schedule.body, "Input.Date")[0]).toMatchObject({ id: "date", value: "2026-09-16" });
    expect(byType(schedule.body, "Input.Time")[0]).toMatchObject({ id: "time", value: "09:30" });
    const reflection = formCard(formView(reflectionForm, "c"));
    good(reflection);
    expect(byType(reflection.body, "Input.ChoiceSet")[0]).toMatchObject({
      id: "usefulness",
      style: "expanded",
      choices: ["1", "2", "3", "4", "5"].map((v) => ({ title: v, value: v })),
    });
  });

  it("shows each refusal under its field, a general one at the top, and keeps what was typed", () => {
    const refused: FormView = {
      ...feedback,
      values: { glow: "*typed*", grow: "x" },
      errors: { glow: "Start with a strength.", form: "That changed meanwhile." },
    };
    const card = formCard(refused, { grow: "That looks like a student's name." });
    good(card);
    const at = (id: string) => card.body.findIndex((e) => e.id === id);
    expect(card.body[at("glow") + 1]).toMatchObject({ text: "Start with a strength.", color: "Attention" });
    expect(card.body[at("grow") + 1]).toMatchObject({ color: "Warning" });
    expect(card.body[at("glow")]).toMatchObject({ value: "*typed*" }); // input values are not markdown
    const top = card.body.slice(0, at("focus")).map((e) => e.text);
    expect(top).toContain("That changed meanwhile.");
  });

  it("refuses a field whose name would clash with the submit data", () => {
    const clash: FormView = {
      ...feedback,
      fields: [{ name: "context", label: "Context", required: false, input: "text" }],
    };
    expect(() => formCard(clash)).toThrow(/clashes/);
  });
});

describe("submittedCard", () => {
  it("is read-only and lists short answers by their labels, without long text", () => {
    const card = submittedCard(formView(feedbackForm, "c"), {
      focus: "Feedback",
      evidence: "observation,student-evidence",
      glow: "private strength",
      nextStep: "co-planning",
    });
    good(card);
    expect(card.actions).toBeUndefined();
    expect(JSON.stringify(card)).not.toContain("Action.Submit");
    expect(JSON.stringify(card)).not.toContain("private strength");
    expect(byType(card.body, "FactSet")[0]?.facts).toEqual([
      { title: "Focus practice", value: "Feedback" },
      { title: "Evidence used", value: "Observation, Student evidence (discourse, work)" },
      { title: "Next step: support offered", value: "Co-planning" },
    ]);
  });
});

describe("checkAdaptiveCard (the test fixture)", () => {
  it("reports unknown elements, newer properties, missing input labels and bad submit data", () => {
    const problems = checkAdaptiveCard({
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.5",
      body: [
        { type: "Carousel", pages: [] },
        { type: "Input.Text", id: "a", isRequired: true },
        { type: "Input.Text", id: "a", label: "Again", isRequired: false, errorMessage: "x" },
      ],
      actions: [{ type: "Action.Submit", title: "Go", data: { anything: 1 } }],
    });
    expect(problems.some((p) => p.startsWith("parse:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("validate:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("shape:"))).toBe(true);
  });
});
