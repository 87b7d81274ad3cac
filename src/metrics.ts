import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Every metric the service exports, on one registry per service (tests run several in a process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messagesSent: new Counter({
      name: "coachbot_messages_sent_total",
      help: "Messages accepted by a platform",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
    messagesRetried: new Counter({
      name: "coachbot_messages_retried_total",
      help: "Delivery attempts that will be retried (429, 5xx, network)",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
    messagesDeferred: new Counter({
      name: "coachbot_messages_deferred_total",
      help: "Messages handed back unsent to wait for a rate-limit window (no attempt used)",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
    messagesDead: new Counter({
      name: "coachbot_messages_dead_total",
      help: "Messages moved to the dead-letter list (permanent errors)",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
    outboxQueued: new Gauge({
      name: "coachbot_outbox_queued",
      help: "Outbox entries waiting to be sent",
      registers: [registry],
    }),
    tickSeconds: new Histogram({
      name: "coachbot_tick_duration_seconds",
      help: "Duration of one scheduler tick",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    inbound: new Counter({
      name: "coachbot_inbound_total",
      help: "Inbound events handled, by platform and kind",
      labelNames: ["platform", "kind"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
