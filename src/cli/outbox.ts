import type { Store } from "../store/port.js";

/** `coachbot outbox --dead`: what could not be delivered, and why (ids only, never message text). */
export async function listDead(store: Store, out: (l: string) => void): Promise<number> {
  const dead = await store.listOutbox("dead", 500);
  for (const e of dead) {
    const to = "person" in e.to ? e.to.person : `channel ${e.to.channel.slack ?? e.to.channel.teams ?? "?"}`;
    out(
      `${e.key}  district=${e.districtId}  to=${to}  attempts=${e.attempts}  reason=${e.lastError ?? "unknown"}`,
    );
  }
  const counts = await store.outboxCounts();
  out(`${dead.length} dead-lettered message(s); ${counts.pending} pending, ${counts.sent} sent`);
  return 0;
}
