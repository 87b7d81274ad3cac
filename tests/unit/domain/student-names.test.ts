import { describe, expect, it } from "vitest";
import { findStudentMentions, studentWarning } from "../../../src/domain/student-names.js";

const ROSTER = new Set(["emily", "tran", "jacob", "whitehorse"]);
const find = (text: string) => findStudentMentions(text, ROSTER);

describe("findStudentMentions", () => {
  it.each([
    ["My student Tyler lost focus during the mini-lesson.", ["Tyler"]],
    ["Tyler, a student at table 3, asked a great question.", ["Tyler"]],
    ["The students Mia and Jose led the discussion.", ["Mia"]],
    ["Your kiddo Marcus-Lee's work showed clear reasoning.", ["Marcus-Lee"]],
  ])("finds a likely name: %s", (text, names) => {
    expect(
      find(text)
        .filter((m) => m.kind === "name")
        .map((m) => m.text),
    ).toEqual(names);
  });

  it.each([
    "Students explained their thinking with sentence stems.",
    "Every student had a whiteboard; Emily's checks for understanding were quick.",
    "A student at table 3 asked a great question.",
    "Jacob modelled the strategy before students tried it on Monday.",
    "Tyler is doing great.", // a name, but nothing says it is a student's: not flagged
    "On 2026-09-16 at 09:30 in room 12, 25 students worked in 5 groups.",
  ])("leaves ordinary coaching language alone: %s", (text) => {
    expect(find(text)).toEqual([]);
  });

  it("flags ID-like numbers but not dates, times or small counts", () => {
    expect(find("Check the work of 20481337 before Friday.")).toEqual([{ kind: "id", text: "20481337" }]);
    expect(find("Lesson at 09:30 on 2026-09-16 with 24 students, page 112.")).toEqual([]);
  });

  it("writes one warning naming what it found and how to fix it", () => {
    const message = studentWarning(find("My student Tyler, id 4471902, was absent."));
    expect(message).toContain('it may name a student ("Tyler")');
    expect(message).toContain('looks like a student ID ("4471902")');
    expect(message).toContain('write "a student" instead');
  });
});
