import type { Server } from 'node:http';
import cron from 'node-cron';
import { createActionsService } from './actions/index.js';
import type { UserMessenger } from './actions/types.js';
import type { StatusInfo } from './chat-commands/status.js';
import { createChatIntegrations } from './runtime/chat.js';
import { registerOpsRoutes } from './runtime/health.js';
import { inboundLimits } from './http/body-gate.js';
import { recordCredential } from './doctor/credentials.js';
import { runStartupDoctor } from './doctor/index.js';
import { checkKeyExpiry } from './runtime/key-expiry.js';
import { countAlerts, createMetrics, instrumentActions, instrumentChannel, observeSweep } from './runtime/metrics.js';
import { pruneHistory } from './runtime/retention.js';
import { createForwardingChannels } from './runtime/forwarding.js';
import { createTerminalChannel } from './channels/terminal.js';
import type { AlertChannel } from './domain/index.js';
import type { Config } from './config/index.js';
import { createEnricher } from './enrich/index.js';
import { buildEngineOptions } from './config/engine.js';
import { configureHttp } from './http/fetch-json.js';
import type { Logger } from './log.js';
import { registerSecrets } from './log.js';
import { createPipeline, type Pipeline } from './pipeline/ingest.js';
import { createReplicaGuards } from './pipeline/lock.js';
import { createOutbox } from './pipeline/outbox.js';
import { sweepOnce } from './pipeline/sweep.js';
import { createScheduler, type Scheduler } from './runtime/scheduler.js';
import { closeServer, createHttpApp, listen } from './server.js';
import { createAtlassianClient, type AtlassianClient } from './sources/atlassian/client.js';
import { registerAtlassianWebhook } from './sources/webhook.js';
import { openKV } from './store/kv.js';
import { createStore, type Store, type SweepSummary } from './store/store.js';

export interface VigilApp {
  store: Store;
  pipeline: Pipeline;
  log: Logger;
  /** Run one sweep now (no-op without Atlassian credentials). */
  sweep(signal?: AbortSignal): Promise<SweepSummary | undefined>;
  drain(): Promise<void>;
  /** Daily housekeeping now: retention, and the API key expiry warning posted to the alert channels. */
  housekeeping(): Promise<void>;
  /** Start the HTTP server and the schedules. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Store URL override (demo mode uses memory). */
  storeUrl?: string;
  /** Extra channels (the terminal in demo mode). */
  channels?: AlertChannel[];
  /** Progress of a long sweep (events, pages): the CLI draws a bar on a terminal. */
  onSweepProgress?: (events: number, pages: number) => void;
  /** Listen at all (sweep --once does not). */
  http?: boolean;
}

/** Secret values to scrub from every log line. */
export function secretsOf(cfg: Config): Array<string | undefined> {
  return [
    cfg.core.ATLASSIAN_API_KEY,
    cfg.core.VIGIL_WEBHOOK_SECRET,
    cfg.slack.SLACK_BOT_TOKEN,
    cfg.slack.SLACK_SIGNING_SECRET,
    cfg.slack.SLACK_APP_TOKEN,
    cfg.teams.MICROSOFT_APP_PASSWORD,
    cfg.entra.ENTRA_CLIENT_SECRET,
    cfg.ops.VIGIL_SIEM_WEBHOOK_SECRET,
    cfg.ops.VIGIL_SIEM_WEBHOOK_AUTHORIZATION,
    cfg.ops.JIRA_API_TOKEN,
    cfg.ops.VIGIL_METRICS_TOKEN,
  ];
}

/** The composition root: builds every real dependency from the configuration. Wiring only. */
export async function createApp(cfg: Config, log: Logger, opts: AppOptions = {}): Promise<VigilApp> {
  registerSecrets(secretsOf(cfg));
  configureHttp({ proxy: cfg.core.HTTPS_PROXY, timeoutMs: cfg.core.HTTP_TIMEOUT_MS });
  const kv = await openKV(opts.storeUrl ?? cfg.core.VIGIL_STORE_URL);
  const store = createStore(kv, { lockLeaseMs: cfg.core.VIGIL_LOCK_LEASE });
  const orgId = cfg.core.ATLASSIAN_ORG_ID ?? 'default';
  const enricher = await createEnricher(cfg.detection, log);
  const engine = await buildEngineOptions(cfg);
  const metrics = createMetrics({ defaultMetrics: true });
  const dryRun = cfg.core.VIGIL_DRY_RUN;
  const startedAt = Date.now();
  const messengers: UserMessenger[] = [];
  const actions = instrumentActions(createActionsService({ env: cfg.entra, store, log, dryRun, messengers: () => messengers }), metrics);
  const http = createHttpApp();

  let integrationNames: string[] = [];
  const status = async (): Promise<StatusInfo> => {
    const cp = await store.getCheckpoint(orgId).catch(() => undefined);
    return {
      store: store.kind,
      cursorUpdatedAt: cp?.updatedAt || undefined,
      integrations: [
        { name: 'atlassian', ok: !cfg.demo, detail: cfg.demo ? 'demo mode (no ATLASSIAN_API_KEY)' : `org ${orgId}` },
        ...integrationNames.map((name) => ({ name, ok: true })),
        { name: 'entra-id', ok: Boolean(cfg.entra.ENTRA_CLIENT_ID), detail: cfg.entra.ENTRA_CLIENT_ID ? undefined : 'not configured' },
      ],
      demo: cfg.demo,
      dryRun,
    };
  };
  const chat = await createChatIntegrations({ cfg, http, store, actions, log, status, onActionDone: () => void drain() });
  messengers.push(...chat.messengers);
  const forwarding = createForwardingChannels(cfg);
  integrationNames = [...chat.names, ...forwarding.map((c) => c.name)];
  const channels: AlertChannel[] = [...(opts.channels ?? []), ...chat.channels, ...forwarding].map((c) => instrumentChannel(c, metrics));

  const outbox = createOutbox({ store, channels, log, dryRun });
  // Several replicas on one Redis: one sweep per org, one ingest batch per org, one drainer per channel.
  const lease = cfg.core.VIGIL_LOCK_LEASE;
  const guards = createReplicaGuards({ locks: store.locks, orgId, log, sweepLeaseMs: lease, ingestLeaseMs: lease, drainLeaseMs: lease });
  // Each channel drains on its own (a channel that is down or slow never holds up another one).
  const drainingByChannel = new Map<string, Promise<void>>();
  let stopped = false;
  const drainChannel = (name: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    const inFlight = drainingByChannel.get(name);
    if (inFlight) return inFlight;
    const run = guards
      .drain(name, async () => {
        const r = await outbox.drain([name]);
        if (r.delivered || r.failed) log.debug({ channel: name, ...r }, 'outbox drained');
      })
      .then((ran) => {
        // Another replica is draining this channel: look again shortly for what it started without.
        if (!ran) setTimeout(() => void drainChannel(name), 2_000).unref();
      })
      .catch((err: Error) => log.error({ channel: name, err: err.message }, 'outbox drain failed'))
      .finally(() => drainingByChannel.delete(name));
    drainingByChannel.set(name, run);
    return run;
  };
  const drain = async () => {
    await Promise.all(channels.map((c) => drainChannel(c.name)));
  };
  const draining = () => Promise.all(drainingByChannel.values());

  const pipeline = createPipeline({
    store,
    orgId,
    enricher,
    engine,
    log,
    seenWindowMs: cfg.core.VIGIL_SEEN_WINDOW,
    exclusive: guards.ingest.exclusive,
    beforeCommit: guards.ingest.assertHeld,
    onIngested: (r) => {
      metrics.eventsRead.inc(r.processed);
      countAlerts(metrics, r.alerts);
      if (r.alerts.length > 0) void drain();
    },
  });

  let client: AtlassianClient | undefined;
  if (cfg.core.ATLASSIAN_API_KEY && cfg.core.ATLASSIAN_ORG_ID) {
    client = createAtlassianClient({
      baseUrl: cfg.core.ATLASSIAN_API_BASE_URL,
      orgId: cfg.core.ATLASSIAN_ORG_ID,
      apiKey: cfg.core.ATLASSIAN_API_KEY,
      pageLimit: cfg.core.ATLASSIAN_PAGE_LIMIT,
      retry: { maxRetries: cfg.core.ATLASSIAN_MAX_RETRIES },
      timeoutMs: cfg.core.HTTP_TIMEOUT_MS,
      onRetry: (i) => log.warn({ attempt: i.attempt, status: i.status, delayMs: i.delayMs }, `Atlassian ${i.reason}; retrying`),
    });
  }

  async function sweep(signal?: AbortSignal, deliver: 'wait' | 'background' = 'wait'): Promise<SweepSummary | undefined> {
    if (!client) return undefined;
    const done = await guards.sweep(() => sweepLocked(client!, signal));
    if (deliver === 'wait') await drain();
    else void drain();
    return done;
  }

  async function sweepLocked(client: AtlassianClient, signal?: AbortSignal): Promise<SweepSummary> {
    const s = await sweepOnce({
      client,
      pipeline,
      store,
      orgId,
      log,
      backfillMs: cfg.core.VIGIL_BACKFILL,
      overlapMs: cfg.core.VIGIL_OVERLAP,
      maxPages: cfg.core.VIGIL_SWEEP_MAX_PAGES,
      signal,
      onProgress: opts.onSweepProgress,
    });
    // /readyz reports the Atlassian credentials as last seen by a sweep.
    if (s.ok) await recordCredential(store, 'atlassian', { ok: true }).catch(() => undefined);
    else if (s.errorCode === 'upstream_auth') await recordCredential(store, 'atlassian', { ok: false, detail: s.error }).catch(() => undefined);
    observeSweep(metrics, { ...s, watermark: (await store.getCheckpoint(orgId).catch(() => undefined))?.watermark });
    const line = `sweep: ${s.events} events read, ${s.alerts} alerts raised, ${s.skipped} malformed skipped, ${s.finishedAt - s.startedAt} ms`;
    if (s.ok) log.info(s, line);
    else log.error({ ...s }, `${line}; failed: ${s.error}`);
    return s;
  }

  const webhookLimits = inboundLimits(cfg.core, cfg.core.VIGIL_WEBHOOK_MAX_BYTES);
  registerAtlassianWebhook(http, { secret: cfg.core.VIGIL_WEBHOOK_SECRET, maxBytes: webhookLimits.maxBytes, limits: webhookLimits, pipeline, log });
  registerOpsRoutes(http, {
    store,
    metrics,
    sweepIntervalMs: client ? sweepIntervalMs(cfg.core.VIGIL_SWEEP_SCHEDULE) : undefined,
    startedAt,
    metricsToken: cfg.ops.VIGIL_METRICS_TOKEN,
  });

  /** Daily housekeeping: retention and the API key expiry warnings (14, 7 and 1 days before). */
  async function housekeeping() {
    const r = await pruneHistory({ store, days: cfg.core.VIGIL_RETENTION_DAYS, channels: channels.map((c) => c.name) });
    if (r.removed > 0) log.info(r, 'alert history older than the retention period removed');
    await checkKeyExpiry({
      store,
      expires: cfg.core.ATLASSIAN_API_KEY_EXPIRES,
      warn: async (w) => {
        log.warn({ daysLeft: w.daysLeft }, w.message);
        await chat.notice(w.message);
      },
    });
  }

  let server: Server | undefined;
  let sweeps: Scheduler | undefined;
  let daily: Scheduler | undefined;
  let intel: Scheduler | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  return {
    store,
    pipeline,
    log,
    sweep,
    drain,
    housekeeping: () => housekeeping(),
    async start() {
      let port = cfg.core.PORT;
      if (opts.http !== false) {
        server = await listen(http, cfg.core.VIGIL_HOST, cfg.core.PORT, log);
        const addr = server.address();
        if (addr && typeof addr === 'object') port = addr.port;
      }
      await chat.start();
      // The doctor at start-up: every configured integration checked for real, failures logged with their fix.
      if (!cfg.demo) void runStartupDoctor(cfg, { store, log });
      // IP lists (Tor exits, threat-intel URLs, list files) refreshed at start and daily, on every replica
      // (each holds its own copy in memory). A failed source keeps its last copy.
      if (!cfg.demo && enricher.refresh) {
        const refresh = enricher.refresh;
        intel = createScheduler({ schedule: '41 4 * * *', name: 'ip-lists', run: () => refresh(), log });
        intel.start();
        void intel.runNow();
      }
      // One replica at a time (the expiry warning must not be posted by each replica).
      const housekeepOnce = () => store.locks.ifFree('housekeeping', () => housekeeping(), 10 * 60_000).then(() => undefined);
      daily = createScheduler({ schedule: '17 3 * * *', name: 'housekeeping', run: housekeepOnce, log });
      daily.start();
      void daily.runNow();
      if (client) {
        sweeps = createScheduler({
          schedule: cfg.core.VIGIL_SWEEP_SCHEDULE,
          name: 'sweep',
          run: (signal) => sweep(signal, 'background').then(() => undefined),
          log,
          coordinator: guards.coordinator,
          leaseMs: sweepIntervalMs(cfg.core.VIGIL_SWEEP_SCHEDULE),
        });
        sweeps.start();
        void sweeps.runNow();
      }
      retryTimer = setInterval(() => void drain(), 30_000);
      retryTimer.unref();
      return { port };
    },
    async stop() {
      if (retryTimer) clearInterval(retryTimer);
      stopped = true;
      await sweeps?.stop();
      await daily?.stop();
      await intel?.stop();
      if (server) await closeServer(server);
      await chat.stop();
      await draining();
      await store.close();
    },
  };
}

/** The interval between two fires of a cron schedule (for the readiness check's "last sweep recent"). */
export function sweepIntervalMs(schedule: string): number | undefined {
  const task = cron.createTask(schedule, () => undefined);
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? b.getTime() - a.getTime() : undefined;
}

export { createTerminalChannel };
