// Coaching notes are about teaching, not about children: a note that names a student, or carries
// an ID-like number, gets a warning before it is saved. A heuristic, tuned to miss rather than
// nag: a capitalised word counts as a name only next to a word like "student", and only when it
// is not a roster person's name or an everyday capitalised word.

const STUDENT_WORDS =
  /^(students?|kids?|child|children|boys?|girls?|pupils?|learners?|scholars?|kiddos?|son|daughter)$/i;

const COMMON_CAPITALISED = new Set(
  [
    "I",
    "A",
    "An",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "My",
    "Our",
    "Your",
    "One",
    "Each",
    "Every",
    "Some",
    "Several",
    "Many",
    "Most",
    "All",
    "Two",
    "Three",
    "Four",
    "Five",
    "When",
    "While",
    "After",
    "Before",
    "During",
    "Then",
    "Next",
    "Also",
    "And",
    "But",
    "So",
    "Great",
    "Strong",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "English",
    "Spanish",
    "Math",
    "Science",
    "ELA",
    "ELL",
    "IEP",
    "SPED",
    "Grade",
    "Group",
    "Table",
    "Team",
    "Room",
    "Period",
  ].map((w) => w.toLowerCase()),
);

export interface StudentMention {
  kind: "name" | "id";
  text: string;
}

/** Numbers that look like student IDs: 5+ digits standing alone (not part of a date or time). */
const ID_LIKE = /(?<![\d:/.-])\d{5,10}(?![\d:/.-])/g;

/**
 * Likely student names and ID-like numbers in `text`. `knownNames` are roster people's first and
 * last names (adults, not students), which never count.
 */
export function findStudentMentions(text: string, knownNames: ReadonlySet<string>): StudentMention[] {
  const found: StudentMention[] = [];
  for (const m of text.matchAll(ID_LIKE)) found.push({ kind: "id", text: m[0] });
  const words = [...text.matchAll(/[\p{L}'’-]+/gu)].map((m) => m[0]);
  words.forEach((word, i) => {
    if (!STUDENT_WORDS.test(word)) return;
    for (const near of [words[i + 1], words[i + 2], words[i - 1], words[i - 2]]) {
      if (near && isNameLike(near, knownNames))
        found.push({ kind: "name", text: near.replace(/['’]s$/, "") });
    }
  });
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.text) && seen.add(f.text));
}

function isNameLike(word: string, knownNames: ReadonlySet<string>): boolean {
  const bare = word.replace(/['’]s$/, "");
  return (
    /^\p{Lu}\p{Ll}+(-\p{Lu}\p{Ll}+)?$/u.test(bare) &&
    !COMMON_CAPITALISED.has(bare.toLowerCase()) &&
    !knownNames.has(bare.toLowerCase())
  );
}

/** The warning shown on the field, in words a teacher understands. */
export function studentWarning(mentions: StudentMention[]): string {
  const names = mentions.filter((m) => m.kind === "name").map((m) => `"${m.text}"`);
  const ids = mentions.filter((m) => m.kind === "id").map((m) => `"${m.text}"`);
  const parts = [
    ...(names.length ? [`it may name a student (${names.join(", ")})`] : []),
    ...(ids.length ? [`it has a number that looks like a student ID (${ids.join(", ")})`] : []),
  ];
  return `Check this before sending: ${parts.join(" and ")}. Coaching notes are about teaching: write "a student" instead. Send again unchanged to keep it as it is.`;
}
