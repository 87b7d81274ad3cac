import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/log.js";

/**
 * Bolt and web-api log through our pino logger (its level and redaction), not their console
 * logger. Their messages are strings, joined as pino's message.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const line = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  return {
    debug: (...msg: unknown[]) => logger.debug(line(msg)),
    info: (...msg: unknown[]) => logger.info(line(msg)),
    warn: (...msg: unknown[]) => logger.warn(line(msg)),
    error: (...msg: unknown[]) => logger.error(line(msg)),
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
