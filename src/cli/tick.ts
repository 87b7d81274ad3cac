import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { createCore } from "../main.js";
import type { NewOutboxEntry } from "../store/port.js";
import type { Message } from "../ui/model.js";

/**
 * `coachbot tick --now ISO [--dry-run]`: the scheduler once, at that instant, through the same
 * store and adapters as the service (so it can run beside it, e.g. from an external scheduler).
 */
export async function tick(
  config: Config,
  logger: Logger,
  now: Date,
  dryRun: boolean,
  out: (l: string) => void,
) {
  const core = await createCore(config, logger, { seedAt: now });
  try {
    if (!dryRun && core.time.set) await core.time.set(now);
    const { tick, delivery } = await core.engine.runOnce(now, { dryRun });
    const verb = dryRun ? "would send" : "queued";
    for (const entry of tick.outbox) out(`${verb}  ${describe(entry)}`);
    out(
      dryRun
        ? `dry run at ${now.toISOString()}: ${tick.taken} due item(s), ${tick.outbox.length} message(s) would be sent; nothing was sent or marked done`
        : `tick at ${now.toISOString()}: ${tick.completed} due item(s) done, ${tick.failed} failed; ` +
            `${delivery?.sent ?? 0} message(s) sent, ${delivery?.retried ?? 0} to retry, ${delivery?.dead ?? 0} dead`,
    );
    return tick.failed > 0 ? 1 : 0;
  } finally {
    await core.store.close();
  }
}

function describe(entry: NewOutboxEntry): string {
  const to =
    "person" in entry.to
      ? entry.to.person
      : `channel ${entry.to.channel.slack ?? entry.to.channel.teams ?? "?"}`;
  return `${entry.key}  ->  ${to}: ${(entry.message as Message).summary}`;
}
