import { resolve } from "node:path";
import { z } from "zod";
import { CoachbotError } from "./errors.js";

// One schema over the environment, parsed once at start-up by the composition root. Nothing
// else in src/ reads the environment (bolt-js keeps the same rule).

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const optionalUrl = (what: string) =>
  z.preprocess(blankToUndefined, z.url({ message: `must be a URL such as ${what}` }).optional());
const flag = z.preprocess(blankToUndefined, z.enum(["0", "1", "true", "false"]).optional());

const EnvSchema = z.object({
  NODE_ENV: z.preprocess(blankToUndefined, z.string().default("development")),
  PORT: z.preprocess(
    blankToUndefined,
    // 0 asks the OS for any free port (tests, several local instances).
    z.coerce
      .number({ message: "must be a whole number from 0 to 65535" })
      .int("must be a whole number from 0 to 65535")
      .min(0, "must be a whole number from 0 to 65535")
      .max(65535, "must be a whole number from 0 to 65535")
      .default(3978),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default("./data")),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, "must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379")
      .optional(),
  ),
  REDIS_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[\w:.-]{1,32}$/)
      .default("cb:"),
  ),
  ROSTER_FILE: optionalString,
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().startsWith("xoxb-", "must be a bot token starting with xoxb-").optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_TOKEN_KEY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const keys = v.split(",").map((k) => Buffer.from(k.trim(), "base64"));
        if (keys.some((k) => k.length !== 32)) {
          ctx.addIssue({
            code: "custom",
            message: "each key must be 32 bytes, base64-encoded (44 characters)",
          });
          return z.NEVER;
        }
        return keys;
      })
      .optional(),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().startsWith("xapp-", "must be an app-level token starting with xapp-").optional(),
  ),
  SLACK_API_URL: optionalUrl("https://slack.com/api/"),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(
    blankToUndefined,
    z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  ),
  MicrosoftAppTenantId: optionalString,
  PUBLIC_URL: optionalUrl("https://coachbot.example.org"),
  DASHBOARD_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  SCHEDULER: z.preprocess(blankToUndefined, z.enum(["on", "off"]).default("on")),
  CLOCK: z.preprocess(blankToUndefined, z.enum(["system", "manual"]).optional()),
  LOCAL_CHAT: flag,
  PRIVACY_MIN_GROUP: z.preprocess(
    blankToUndefined,
    z.coerce.number().int("must be a whole number").min(2, "must be at least 2").default(5),
  ),
  RETENTION_MONTHS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int("must be a whole number").min(1, "must be at least 1").default(13),
  ),
});

type Env = z.infer<typeof EnvSchema>;

export interface SlackConfig {
  signingSecret: string;
  botToken?: string;
  /** tokenKeys: seal stored installations; the first seals, all open (rotation). */
  oauth?: { clientId: string; clientSecret: string; stateSecret: string; tokenKeys: Buffer[] };
  appToken?: string;
  apiUrl?: string;
}

export interface TeamsConfig {
  /** Empty only outside production: botbuilder then checks no token (for the local Playground). */
  appId: string;
  appPassword: string;
  appType: "MultiTenant" | "SingleTenant" | "UserAssignedMSI";
  tenantId?: string;
}

export interface Config {
  production: boolean;
  port: number;
  dataDir: string;
  redis?: { url: string; prefix: string };
  /** Explicit ROSTER_FILE, or ./roster.yaml when present; undefined: the bundled demo district. */
  rosterFile?: string;
  rosterFileExplicit: boolean;
  slack?: SlackConfig;
  teams?: TeamsConfig;
  publicUrl: string;
  dashboardSecret?: string;
  logLevel: Env["LOG_LEVEL"];
  scheduler: boolean;
  clock: "system" | "manual";
  localChat: boolean;
  privacyMinGroup: number;
  /** Free text older than this many months is erased the day after each school year ends. */
  retentionMonths: number;
}

interface Problem {
  variable: string;
  message: string;
  fix: string;
}

const FIXES: Record<string, string> = {
  PORT: "set PORT=3978 or unset it",
  REDIS_URL: "set REDIS_URL=redis://host:6379, or unset it to use the embedded SQLite store",
  SLACK_BOT_TOKEN: "copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page",
  SLACK_APP_TOKEN: "create an app-level token with connections:write under Basic Information",
  SLACK_TOKEN_KEY:
    "set SLACK_TOKEN_KEY to `openssl rand -base64 32` (to rotate: the new key, a comma, then the old one)",
  DASHBOARD_SECRET: "set DASHBOARD_SECRET to a random string, e.g. `openssl rand -hex 32`",
  PRIVACY_MIN_GROUP: "set PRIVACY_MIN_GROUP=5 (the default) or another whole number of people",
  RETENTION_MONTHS: "set RETENTION_MONTHS=13 (the default) or another whole number of months",
};

export class ConfigError extends CoachbotError {
  constructor(readonly problems: Problem[]) {
    // Each line carries its own fix, so the error has no separate one.
    super("CONFIG_INVALID", problems.map((p) => `${p.variable} ${p.message}. Fix: ${p.fix}.`).join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment into a Config. `exists` tells whether a path exists (injected so the
 * parse stays free of I/O). Throws ConfigError naming every bad variable and how to fix it.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  opts: { cwd: string; exists: (path: string) => boolean },
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const variable = String(i.path[0] ?? "environment");
        const got = env[variable];
        return {
          variable,
          message: `${i.message}${got === undefined ? "" : ` (got ${JSON.stringify(clip(got, variable))})`}`,
          fix: FIXES[variable] ?? `correct or unset ${variable}`,
        };
      }),
    );
  }
  const e = parsed.data;
  const problems: Problem[] = [];
  const production = e.NODE_ENV === "production";

  const slack = slackConfig(e, problems);
  const teams = teamsConfig(e, production, problems);

  const platformConfigured = slack !== undefined || (teams !== undefined && teams.appId !== "");
  const clock = e.CLOCK ?? (platformConfigured || production ? "system" : "manual");
  if (clock === "manual" && production) {
    problems.push({
      variable: "CLOCK",
      message: "is manual, which lets anyone move the service's time; it is refused when NODE_ENV=production",
      fix: "unset CLOCK (or set CLOCK=system) in production",
    });
  }
  const localChat = e.LOCAL_CHAT === "1" || e.LOCAL_CHAT === "true" || !platformConfigured;
  if (production && localChat) {
    problems.push({
      variable: platformConfigured ? "LOCAL_CHAT" : "SLACK_BOT_TOKEN",
      message: platformConfigured
        ? "turns on the local web chat, where anyone can act as anyone; it is refused when NODE_ENV=production"
        : "and the Teams variables are unset, so only the local web chat would run, and anyone could act as anyone there; refused when NODE_ENV=production",
      fix: platformConfigured
        ? "unset LOCAL_CHAT in production"
        : "configure Slack (SLACK_BOT_TOKEN...) or Teams (MicrosoftAppId...)",
    });
  }
  if (production && !e.DASHBOARD_SECRET) {
    problems.push({
      variable: "DASHBOARD_SECRET",
      message: "is required when NODE_ENV=production (it signs dashboard and calendar links)",
      fix: FIXES.DASHBOARD_SECRET!,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const defaultRoster = resolve(opts.cwd, "roster.yaml");
  const rosterFile = e.ROSTER_FILE
    ? resolve(opts.cwd, e.ROSTER_FILE)
    : opts.exists(defaultRoster)
      ? defaultRoster
      : undefined;

  return {
    production,
    port: e.PORT,
    dataDir: resolve(opts.cwd, e.DATA_DIR),
    ...(e.REDIS_URL ? { redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } } : {}),
    ...(rosterFile ? { rosterFile } : {}),
    rosterFileExplicit: e.ROSTER_FILE !== undefined,
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    ...(e.DASHBOARD_SECRET ? { dashboardSecret: e.DASHBOARD_SECRET } : {}),
    logLevel: e.LOG_LEVEL,
    scheduler: e.SCHEDULER === "on",
    clock,
    localChat,
    privacyMinGroup: e.PRIVACY_MIN_GROUP,
    retentionMonths: e.RETENTION_MONTHS,
  };
}

function slackConfig(e: Env, problems: Problem[]): SlackConfig | undefined {
  const oauthParts = [e.SLACK_CLIENT_ID, e.SLACK_CLIENT_SECRET, e.SLACK_STATE_SECRET];
  const anyOauth = oauthParts.some((v) => v !== undefined);
  const anySlack = anyOauth || e.SLACK_BOT_TOKEN !== undefined || e.SLACK_APP_TOKEN !== undefined;
  if (!anySlack) return undefined;
  if (!e.SLACK_SIGNING_SECRET) {
    problems.push({
      variable: "SLACK_SIGNING_SECRET",
      message: "is required when Slack is configured (every request from Slack is checked with it)",
      fix: "copy the Signing Secret from your Slack app's Basic Information page",
    });
  }
  if (anyOauth && oauthParts.some((v) => v === undefined)) {
    problems.push({
      variable: "SLACK_CLIENT_ID",
      message:
        "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET go together (multi-workspace OAuth)",
      fix: "set all three, or none of them and SLACK_BOT_TOKEN for a single workspace",
    });
  }
  if (anyOauth && !e.SLACK_TOKEN_KEY) {
    problems.push({
      variable: "SLACK_TOKEN_KEY",
      message: "is required with OAuth: the bot tokens of installed workspaces are stored encrypted with it",
      fix: FIXES.SLACK_TOKEN_KEY!,
    });
  }
  if (!anyOauth && !e.SLACK_BOT_TOKEN) {
    problems.push({
      variable: "SLACK_BOT_TOKEN",
      message: "is required for a single-workspace install (or configure OAuth with SLACK_CLIENT_ID...)",
      fix: FIXES.SLACK_BOT_TOKEN!,
    });
  }
  return {
    signingSecret: e.SLACK_SIGNING_SECRET ?? "",
    ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
    ...(anyOauth
      ? {
          oauth: {
            clientId: e.SLACK_CLIENT_ID ?? "",
            clientSecret: e.SLACK_CLIENT_SECRET ?? "",
            stateSecret: e.SLACK_STATE_SECRET ?? "",
            tokenKeys: e.SLACK_TOKEN_KEY ?? [],
          },
        }
      : {}),
    ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
    ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
  };
}

function teamsConfig(e: Env, production: boolean, problems: Problem[]): TeamsConfig | undefined {
  const anyTeams = e.MicrosoftAppPassword !== undefined || e.MicrosoftAppTenantId !== undefined;
  if (!e.MicrosoftAppId) {
    if (production && anyTeams) {
      problems.push({
        variable: "MicrosoftAppId",
        message: "is empty, which turns off Bot Framework authentication; refused when NODE_ENV=production",
        fix: "set MicrosoftAppId to your Azure Bot's app id (and MicrosoftAppPassword)",
      });
    }
    // Outside production the Teams endpoint runs without auth so the local Agents Playground can talk to it.
    return production ? undefined : { appId: "", appPassword: "", appType: "MultiTenant" };
  }
  if (e.MicrosoftAppType !== "UserAssignedMSI" && !e.MicrosoftAppPassword) {
    problems.push({
      variable: "MicrosoftAppPassword",
      message: "is required with MicrosoftAppId (the client secret of the app registration)",
      fix: "create a client secret under Certificates & secrets in the Azure app registration",
    });
  }
  if (e.MicrosoftAppType !== "MultiTenant" && !e.MicrosoftAppTenantId) {
    problems.push({
      variable: "MicrosoftAppTenantId",
      message: `is required when MicrosoftAppType=${e.MicrosoftAppType}`,
      fix: "set it to your Microsoft Entra tenant id",
    });
  }
  return {
    appId: e.MicrosoftAppId,
    appPassword: e.MicrosoftAppPassword ?? "",
    appType: e.MicrosoftAppType,
    ...(e.MicrosoftAppTenantId ? { tenantId: e.MicrosoftAppTenantId } : {}),
  };
}

/** Never echo secrets back in an error message. */
function clip(value: string, variable: string): string {
  if (/TOKEN|SECRET|PASSWORD|KEY/i.test(variable)) return `${value.slice(0, 5)}…`;
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
