import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { digestCommand } from "./cli/digest.js";
import { exportCommand } from "./cli/export.js";
import { listDead } from "./cli/outbox.js";
import { exportPersonCommand, forgetCommand } from "./cli/person-data.js";
import { purgeCommand } from "./cli/purge.js";
import { rosterCheck, rosterImport } from "./cli/roster.js";
import { tick } from "./cli/tick.js";
import { type Config, parseConfig } from "./config.js";
import { CoachbotError, isCoachbotError } from "./errors.js";
import { createLogger } from "./log.js";
import { createCore, startService } from "./main.js";
import { openStore } from "./store/open.js";

// The `coachbot` command. Every argument is parsed (parseArgs + zod) before anything runs, and a
// mistake prints one line with the cause and a fix, exit code 2, nothing written.

type Env = Record<string, string | undefined>;
type Out = (line: string) => void;

const USAGE = `Usage: coachbot <command>

  start                              run the service (HTTP, adapters, scheduler)
  roster check FILE                  list every problem in a roster file (exit 1 if any)
  roster import FILE                 replace the stored roster with FILE, all or nothing
  tick --now ISO [--dry-run]         run the scheduler once at that instant; print what was (would be) sent
  outbox --dead                      list messages that could not be delivered, with the reason
  digest --scope district:ID|building:ID [--period YYYY-MM] [--post]
                                     print a leadership digest (default: last complete month); --post sends it
  export --district ID               CSV of the district's and its buildings' monthly aggregates
  export --person EMAIL              everything held about one person, as JSON
  forget --person EMAIL              erase one person, keeping anonymous counts (then take them out of the roster file)
  purge [--now ISO]                  erase free text older than RETENTION_MONTHS now (the end-of-year purge, by hand)
  help                               this text

Configuration comes from the environment; see README.md ("Configuration").`;

interface Command {
  words: string[];
  /** Positional argument names after the command words. */
  args: string[];
  options?: Record<string, { type: "string" | "boolean" }>;
  run(ctx: {
    args: Record<string, string>;
    options: Record<string, unknown>;
    env: Env;
    out: Out;
  }): Promise<number>;
}

const file = z.string().min(1, "needs a file path");

const COMMANDS: Command[] = [
  {
    words: ["help"],
    args: [],
    run: async ({ out }) => {
      out(USAGE);
      return 0;
    },
  },
  { words: ["start"], args: [], run: ({ env, out }) => runStart(env, out) },
  {
    words: ["roster", "check"],
    args: ["FILE"],
    run: ({ args, out }) => rosterCheck(file.parse(args.FILE), out),
  },
  {
    words: ["roster", "import"],
    args: ["FILE"],
    run: async ({ args, env, out }) => {
      const config = loadConfig(env);
      const logger = createLogger("silent");
      const store = openStore(config, logger);
      try {
        return await rosterImport(file.parse(args.FILE), store, out);
      } finally {
        await store.close();
      }
    },
  },
  {
    words: ["tick"],
    args: [],
    options: { now: { type: "string" }, "dry-run": { type: "boolean" } },
    run: async ({ options, env, out }) => {
      const { now, dryRun } = TickOptions.parse({ now: options.now, dryRun: options["dry-run"] ?? false });
      const config = loadConfig(env);
      return tick(
        config,
        createLogger(config.logLevel === "info" ? "warn" : config.logLevel),
        now,
        dryRun,
        out,
      );
    },
  },
  {
    words: ["outbox"],
    args: [],
    options: { dead: { type: "boolean" } },
    run: async ({ options, env, out }) => {
      if (!options.dead) throw usage("`outbox` needs --dead", "coachbot outbox --dead");
      const store = openStore(loadConfig(env), createLogger("silent"));
      try {
        return await listDead(store, out);
      } finally {
        await store.close();
      }
    },
  },
  {
    words: ["digest"],
    args: [],
    options: { scope: { type: "string" }, period: { type: "string" }, post: { type: "boolean" } },
    run: ({ options, env, out }) =>
      withCore(env, (core) =>
        digestCommand(
          options,
          { workflows: core.workflows, now: core.now, deliver: () => core.engine.delivery.runOnce() },
          out,
        ),
      ),
  },
  {
    words: ["export"],
    args: [],
    options: { district: { type: "string" }, person: { type: "string" } },
    run: ({ options, env, out }) =>
      withCore(env, (core) =>
        options.person === undefined
          ? exportCommand(options, { workflows: core.workflows, now: core.now }, out)
          : exportPersonCommand(options, { workflows: core.workflows, now: core.now }, out),
      ),
  },
  {
    words: ["forget"],
    args: [],
    options: { person: { type: "string" } },
    run: ({ options, env, out }) =>
      withCore(env, (core) => forgetCommand(options, { workflows: core.workflows, now: core.now }, out)),
  },
  {
    words: ["purge"],
    args: [],
    options: { now: { type: "string" } },
    run: ({ options, env, out }) => {
      const retentionMonths = loadConfig(env).retentionMonths;
      return withCore(env, (core) =>
        purgeCommand(options, { workflows: core.workflows, now: core.now, retentionMonths }, out),
      );
    },
  },
];

/** Runs a command against the same store, roster and adapters as the service. */
async function withCore(env: Env, run: (core: Awaited<ReturnType<typeof createCore>>) => Promise<number>) {
  const core = await createCore(loadConfig(env), createLogger("silent"));
  try {
    return await run(core);
  } finally {
    await core.store.close();
  }
}

const TickOptions = z
  .object({
    now: z.iso.datetime({ offset: true, message: "--now needs an ISO instant such as 2026-09-14T12:30:00Z" }),
    dryRun: z.boolean(),
  })
  .transform((o) => ({ now: new Date(o.now), dryRun: o.dryRun }));

export async function main(argv: string[], env: Env, out: Out = console.log, err: Out = console.error) {
  try {
    const { command, rest } = findCommand(argv);
    const parsed = parseArgs({
      args: rest,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    if (parsed.positionals.length !== command.args.length) {
      throw usage(
        `\`${command.words.join(" ")}\` takes ${command.args.join(" ") || "no arguments"}`,
        `coachbot ${[...command.words, ...command.args].join(" ")}`,
      );
    }
    const args = Object.fromEntries(command.args.map((name, i) => [name, parsed.positionals[i] ?? ""]));
    return await command.run({ args, options: parsed.values, env, out });
  } catch (e) {
    return report(e, err);
  }
}

function findCommand(argv: string[]): { command: Command; rest: string[] } {
  if (argv.length === 0) return { command: COMMANDS[0]!, rest: [] };
  const matches = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  );
  const command = matches[0];
  if (!command) throw usage(`unknown command "${argv.join(" ")}"`, "run `coachbot help` for the list");
  return { command, rest: argv.slice(command.words.length) };
}

function usage(cause: string, fix: string): CoachbotError {
  return new CoachbotError("CLI_USAGE", cause, fix);
}

function report(e: unknown, err: Out): number {
  if (isCoachbotError(e)) {
    err(`coachbot: ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ""}`);
    return e.code === "CLI_USAGE" ? 2 : 1;
  }
  if (e instanceof z.ZodError) {
    // Argument schemas word their messages in full ("--now needs ..."): print them as they are.
    err(`coachbot: ${e.issues.map((i) => i.message).join("; ")}`);
    return 2;
  }
  if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
    err(`coachbot: ${e.message}\n  fix: run \`coachbot help\``);
    return 2;
  }
  err(`coachbot: ${(e as Error).message ?? String(e)}`);
  return 1;
}

function loadConfig(env: Env): Config {
  return parseConfig(env, { cwd: process.cwd(), exists: existsSync });
}

async function runStart(env: Env, out: Out): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger);
  out(`coachbot is running: open ${service.url}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down");
      service.close().then(resolve, (e) => {
        logger.error({ err: (e as Error).message }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}
