import { z } from "zod";
import { retentionCutoff } from "../data-life/erase.js";
import { allDocs, messageCopiesBefore } from "../data-life/person-docs.js";
import { retentionChanges } from "../workflows/retention.js";
import { cliOptions, type ReportCliDeps } from "./digest.js";

const PurgeOptions = z.object({
  now: z.iso
    .datetime({ offset: true, message: "must be an ISO instant such as 2027-05-22T07:00:00Z" })
    .optional(),
});

/**
 * `coachbot purge [--now ISO]`: the end-of-year purge by hand, for every district: free text older
 * than the retention is erased, and sent messages and local chat copies that old are deleted.
 */
export async function purgeCommand(
  options: Record<string, unknown>,
  deps: Pick<ReportCliDeps, "workflows" | "now"> & { retentionMonths: number },
  out: (line: string) => void,
): Promise<number> {
  const args = cliOptions(PurgeOptions, options, "coachbot purge --now 2027-05-22T07:00:00Z");
  const now = args.now ? new Date(args.now) : await deps.now();
  const cutoff = retentionCutoff(now, deps.retentionMonths);
  const { store } = deps.workflows;
  let feedback = 0;
  let notes = 0;
  for (const district of (await deps.workflows.roster()).roster.districts) {
    const changes = await retentionChanges(store, district.id, cutoff);
    await store.apply(changes);
    feedback += changes.feedback?.length ?? 0;
    notes += changes.cycles?.length ?? 0;
  }
  const copies = messageCopiesBefore(await allDocs(store), cutoff);
  for (const doc of copies) await store.deleteDoc(doc.ns, doc.id);
  await store.finishErasure();
  out(
    `Erased the text of ${feedback} feedback and ${notes} observation note(s) from before ${cutoff.toISOString()} ` +
      `(${deps.retentionMonths} months before ${now.toISOString()}); deleted ${copies.length} local chat message(s) ` +
      "and the sent messages that old. Counts, dates, focus practices and ratings are kept.",
  );
  return 0;
}
