import { z } from "zod";
import type { RosterIndex } from "../domain/roster-index.js";
import { CoachbotError } from "../errors.js";
import { toChannel, type WorkflowDeps } from "../workflows/deps.js";
import { composeDigest, leadershipChannel, parseScope } from "../workflows/digest/compose.js";
import { messageText } from "../workflows/digest/render.js";
import type { Scope } from "../workflows/digest/report.js";
import { lastCompletePeriod, monthPeriod } from "../workflows/periods.js";

type Out = (line: string) => void;

export interface ReportCliDeps {
  workflows: WorkflowDeps;
  now(): Promise<Date>;
  /** Delivers what is pending in the outbox (the engine's delivery pass). */
  deliver(): Promise<unknown>;
}

/** Parses CLI options with zod; a mistake is a usage error naming the option and how to write it. */
export function cliOptions<S extends z.ZodType>(
  schema: S,
  options: Record<string, unknown>,
  example: string,
) {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0]!;
  throw new CoachbotError("CLI_USAGE", `--${issue.path.join(".")} ${issue.message}`, example);
}

const DigestOptions = z.object({
  scope: z
    .string({ message: "is required" })
    .regex(/^(district|building):[\w.-]+$/, { message: "must be district:ID or building:ID" }),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "must be a month written YYYY-MM" })
    .optional(),
  post: z.boolean().optional(),
});

export function findScope(roster: RosterIndex, id: string): Scope {
  const scope = parseScope(roster, id);
  if (scope) return scope;
  const known = roster.roster.districts.flatMap((d) => [
    `district:${d.id}`,
    ...d.buildings.map((b) => `building:${b.id}`),
  ]);
  throw new CoachbotError(
    "CLI_USAGE",
    `the roster has no ${id.replace(":", " ")}`,
    `use one of: ${known.join(", ")}`,
  );
}

/**
 * `coachbot digest --scope district:ID|building:ID [--period YYYY-MM] [--post]`: prints the digest
 * for the month (by default the last complete one); with --post, sends it to the scope's leadership
 * channel too (once per scope and period: a second --post is a no-op).
 */
export async function digestCommand(
  options: Record<string, unknown>,
  deps: ReportCliDeps,
  out: Out,
): Promise<number> {
  const args = cliOptions(
    DigestOptions,
    options,
    "coachbot digest --scope district:prairie-valley --period 2026-10",
  );
  const now = await deps.now();
  const scope = findScope(await deps.workflows.roster(), args.scope);
  const period = args.period ? monthPeriod(args.period) : lastCompletePeriod("monthly", scope.district, now);
  const { message, quiet } = await composeDigest(deps.workflows, scope, period, now);
  out(messageText(message));
  if (quiet)
    out("\n(Nothing happened in this month or the one before: the scheduled digest would not be posted.)");
  if (!args.post) return 0;

  const channel = leadershipChannel(scope);
  if (!channel) {
    throw new CoachbotError(
      "NOT_FOUND",
      `${args.scope} has no leadership channel to post to`,
      "add leadershipChannel (slack and/or teams) to it in the roster, then `coachbot roster import FILE`",
    );
  }
  const { store } = deps.workflows;
  const districtId = scope.district.id;
  if (await store.getOutbox(districtId, message.key)) {
    out(`\nAlready posted (${message.key}): not sent again.`);
    return 0;
  }
  await store.apply({ districtId, outbox: [toChannel(districtId, channel, message, now)] });
  await deps.deliver();
  const entry = await store.getOutbox(districtId, message.key);
  if (entry?.state === "dead") {
    out(`\nCould not post it: ${entry.lastError ?? "no platform reaches that channel"}.`);
    return 1;
  }
  out(
    entry?.state === "sent"
      ? `\nPosted to ${args.scope}'s leadership channel.`
      : "\nQueued: it goes out when the service next delivers (is it running?).",
  );
  return 0;
}
