import { pino } from "pino";

export type Logger = pino.Logger;

// Secrets and free text never reach the logs: ids only (coaching text is private to a pair).
const REDACT = [
  "*.token",
  "*.botToken",
  "*.password",
  "*.appPassword",
  "*.clientSecret",
  "*.signingSecret",
  "*.authorization",
  'req.headers["authorization"]',
  'req.headers["x-slack-signature"]',
  "*.glow",
  "*.grow",
  "*.reflection",
  "*.note",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "coachbot" } },
    destination,
  );
}
