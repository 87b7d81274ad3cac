import { z } from "zod";
import { exportPerson } from "../data-life/export.js";
import { forgetPerson, nothingForgotten } from "../data-life/forget.js";
import { cliOptions, type ReportCliDeps } from "./digest.js";

type Out = (line: string) => void;
type Deps = Pick<ReportCliDeps, "workflows" | "now">;

const PersonOptions = z.object({
  person: z
    .string({ message: "is required" })
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: "must be the person's e-mail address, e.g. ana@hillcrest.example.org" })),
});

/** `coachbot export --person EMAIL`: everything held about the person, as JSON on stdout. */
export async function exportPersonCommand(options: Record<string, unknown>, deps: Deps, out: Out) {
  const { person } = cliOptions(PersonOptions, options, "coachbot export --person ana@hillcrest.example.org");
  out(JSON.stringify(await exportPerson(deps.workflows.store, person, await deps.now()), null, 2));
  return 0;
}

/**
 * `coachbot forget --person EMAIL`: erases the person, keeping anonymous facts so every count stays
 * the same. Running it again finds nothing more to do.
 */
export async function forgetCommand(options: Record<string, unknown>, deps: Deps, out: Out) {
  const { person } = cliOptions(PersonOptions, options, "coachbot forget --person ana@hillcrest.example.org");
  const r = await forgetPerson(deps.workflows.store, person);
  if (nothingForgotten(r)) {
    out(`Nothing is held about ${person} (any more).`);
    return 0;
  }
  out(
    `Forgot ${person}: ${r.cycles} cycle(s), ${r.feedback} feedback and ${r.contacts} CST contact(s) kept as anonymous facts with their text erased; ` +
      `${r.due} scheduled item(s) cancelled; ${r.outbox} message(s) and ${r.docs} document(s) deleted` +
      `${r.roster ? "; removed from the stored roster" : ""}.`,
  );
  out(
    `Remove ${person} from the roster file too: the next \`coachbot roster import\` (or a start with ROSTER_FILE) would bring the person back, though not their history.`,
  );
  return 0;
}
