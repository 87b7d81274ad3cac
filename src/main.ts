import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { localChatRouter } from "../adapters/local/api.js";
import { LocalDeliveryAdapter } from "../adapters/local/deliver.js";
import { LocalInbox } from "../adapters/local/inbox.js";
import { createSlackAdapter } from "../adapters/slack/index.js";
import { createTeamsAdapter } from "../adapters/teams/index.js";
import type { AdapterContext, PlatformAdapter } from "../adapters/types.js";
import type { DeliveryAdapter } from "./adapter.js";
import { manualTime, systemTime, type TimeSource } from "./clock.js";
import type { Config } from "./config.js";
import { createEngine, type Engine } from "./engine.js";
import { createHttpApp, errorHandler } from "./http/app.js";
import { calendarRoutes } from "./http/calendar.js";
import { dashboardRoutes } from "./http/dashboard.js";
import { healthRoutes } from "./http/health.js";
import { LinkSigner } from "./links.js";
import type { Logger } from "./log.js";
import { createMetrics } from "./metrics.js";
import { bootstrapRoster } from "./roster/bootstrap.js";
import { RosterSource } from "./roster/source.js";
import { startScheduler, storeRunCoordinator } from "./scheduler/cron.js";
import { openStore } from "./store/open.js";
import type { Store } from "./store/port.js";
import { seedCadenceSchedules } from "./workflows/cst-nudges.js";
import type { WorkflowDeps } from "./workflows/deps.js";
import { seedDigestSchedules } from "./workflows/digest/schedule.js";
import { seedSchedules } from "./workflows/due.js";
import { handleInbound } from "./workflows/inbound.js";
import { seedRetentionSchedules } from "./workflows/retention.js";

// The composition root: config -> store -> roster -> workflows -> adapters -> scheduler -> HTTP.
// The only file in src/ allowed to import platform adapters.

export interface Service {
  url: string;
  port: number;
  store: Store;
  time: TimeSource;
  engine: Engine;
  /** Stop taking work, finish what is in flight, close the store. */
  close(): Promise<void>;
}

/** Everything but the HTTP server: what `coachbot tick` and the service share. */
export async function createCore(config: Config, logger: Logger, opts: { seedAt?: Date } = {}) {
  const store = openStore(config, logger);
  const metrics = createMetrics();
  await bootstrapRoster(config, store, logger);
  const rosters = new RosterSource(store);
  const time = config.clock === "manual" ? manualTime(store) : systemTime();
  const links = new LinkSigner(config.dashboardSecret ?? (await devSecret(store)), config.publicUrl);
  const workflows: WorkflowDeps = {
    store,
    roster: () => rosters.get(),
    links,
    privacyMinGroup: config.privacyMinGroup,
  };

  // Delivery times retries and rate windows on the wall clock, but never runs behind a
  // time-travelled "now" (entries written at a manual instant must be claimable).
  let latestNowMs = 0;
  const now = async () => {
    const at = await time.now();
    latestNowMs = Math.max(latestNowMs, at.getTime());
    return at;
  };
  const inbox = new LocalInbox(store);
  const ctx: AdapterContext = {
    store,
    logger,
    metrics,
    publicUrl: config.publicUrl,
    handle: async (inbound) => {
      const reply = await handleInbound(workflows, inbound, await now());
      engine.delivery.wake(); // what the step enqueued for others goes out now
      return reply;
    },
    roster: () => rosters.get(),
    now,
  };
  const platforms: PlatformAdapter[] = [];
  if (config.slack) platforms.push(createSlackAdapter(config.slack, ctx));
  if (config.teams) platforms.push(createTeamsAdapter(config.teams, ctx));
  // Preference order for reaching a person: Slack, Teams, then the local chat.
  const adapters: DeliveryAdapter[] = platforms.map((p) => p.delivery);
  if (config.localChat) adapters.push(new LocalDeliveryAdapter(inbox, now));
  const engine = createEngine({
    store,
    workflows,
    adapters,
    logger,
    metrics,
    nowMs: () => Math.max(Date.now(), latestNowMs),
  });
  // First prompts, cadence nudges and digests for whatever has none yet: O(groups + districts), once per start.
  const seedAt = opts.seedAt ?? (await now());
  const roster = await rosters.get();
  const seeded = await seedSchedules(workflows, roster, seedAt);
  if (seeded > 0) logger.info({ groups: seeded }, "first observation prompts scheduled");
  await seedCadenceSchedules(workflows, roster, seedAt);
  await seedDigestSchedules(workflows, roster, seedAt);
  await seedRetentionSchedules(workflows, roster, seedAt, config.retentionMonths);
  return { store, metrics, rosters, time, now, links, workflows, inbox, engine, ctx, platforms };
}

export async function startService(config: Config, logger: Logger): Promise<Service> {
  const core = await createCore(config, logger);
  const { store, metrics, time, now, workflows, inbox, engine, links, ctx, platforms } = core;
  let shuttingDown = false;

  const app = createHttpApp();
  app.use(healthRoutes(store, metrics, () => shuttingDown));
  app.use(calendarRoutes(workflows, links, now));
  app.use(dashboardRoutes(workflows, now));
  for (const platform of platforms) app.use(platform.router);
  if (config.localChat) {
    app.use(
      localChatRouter({
        handle: ctx.handle,
        people: async () => (await core.rosters.get()).roster.people,
        inbox,
        now,
        timeTravel: async (to) => {
          if (!time.set) throw Object.assign(new Error("time travel needs CLOCK=manual"), { status: 409 });
          await time.set(to);
          const at = await now();
          const result = await engine.runOnce(at);
          return { now: at.toISOString(), delivered: result.delivery?.sent ?? 0 };
        },
      }),
    );
  }
  app.use(errorHandler(logger));

  const server = await listen(app, config.port);
  const port = (server.address() as { port: number }).port;
  const url = `http://localhost:${port}`;

  const scheduler = config.scheduler
    ? startScheduler({
        tick: async () => {
          await engine.runOnce(await now());
        },
        ...(store.kind === "redis" ? { coordinator: storeRunCoordinator(store, logger) } : {}),
        logger,
      })
    : null;
  if (config.scheduler) engine.delivery.start(1000);
  await Promise.all(platforms.map((p) => p.start?.()));
  logger.info(
    { url, store: store.kind, clock: time.mode, localChat: config.localChat },
    "coachbot is listening",
  );

  return {
    url,
    port,
    store,
    time,
    engine,
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([
        closed,
        scheduler?.stop(),
        engine.delivery.stop(),
        ...platforms.map((p) => p.stop?.()),
      ]);
      await store.close();
      logger.info("coachbot stopped");
    },
  };
}

/** Outside production, links are signed with a random secret kept in the store (shared by all processes). */
async function devSecret(store: Store): Promise<string> {
  const existing = await store.getDoc<{ value: string }>("secrets", "links");
  if (existing) return existing.value;
  const value = randomBytes(32).toString("hex");
  await store.putDoc("secrets", "links", { value });
  return value;
}

function listen(app: ReturnType<typeof createHttpApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, "0.0.0.0");
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}
