import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/log.js";

/**
 * Bolt and web-api log through our pino logger (its level and redaction), not their console
 * logger. Their messages are strings, joined as pino's message.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const line = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  // Bolt and web-api log several debug lines per request: joined only when the level is on.
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (...msg: unknown[]) => {
      if (logger.isLevelEnabled(level)) logger[level](line(msg));
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    // The level is pino's, set from LOG_LEVEL; Bolt asking to change it changes nothing.
    setLevel: () => {},
    getLevel: () =>
      logger.isLevelEnabled("debug")
        ? LogLevel.DEBUG
        : logger.isLevelEnabled("info")
          ? LogLevel.INFO
          : logger.isLevelEnabled("warn")
            ? LogLevel.WARN
            : LogLevel.ERROR,
    setName: () => {},
  };
}
