import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { Store } from "./port.js";
import { openRedisStore } from "./redis.js";
import { openSqliteStore } from "./sqlite.js";

/** REDIS_URL set: the shared Redis store; otherwise SQLite under DATA_DIR. */
export function openStore(config: Pick<Config, "redis" | "dataDir">, logger: Logger): Store {
  if (config.redis) {
    return openRedisStore({
      url: config.redis.url,
      prefix: config.redis.prefix,
      onError: (err) => logger.warn({ err: err.message }, "redis client error"),
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return openSqliteStore(join(config.dataDir, "coachbot.db"));
}
