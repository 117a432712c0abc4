import type { Server } from 'node:http';
import { createGraph } from './actions/graph/index.js';
import { createActionsService } from './actions/index.js';
import { createMessengerRegistry } from './actions/types.js';
import type { Config } from './config/index.js';
import { buildEngineOptions } from './config/engine.js';
import { runStartupDoctor } from './doctor/index.js';
import type { Alert, AlertChannel } from './domain/index.js';
import { createEnricher } from './enrich/index.js';
import { inboundLimits } from './http/body-gate.js';
import { configureHttp } from './http/fetch-json.js';
import { registerSecrets, type Logger } from './log.js';
import { createPipeline, type Pipeline } from './pipeline/ingest.js';
import type { LearningRecord } from './pipeline/learn.js';
import { createReplicaGuards } from './pipeline/lock.js';
import { createOutbox } from './pipeline/outbox.js';
import { createChannels, secretsOf } from './runtime/channels.js';
import { createDeliveryScheduler } from './runtime/delivery.js';
import { registerOpsRoutes } from './runtime/health.js';
import { createHousekeeping } from './runtime/housekeeping.js';
import { createReportJob } from './runtime/report.js';
import { countAlerts, createMetrics, instrumentActions, instrumentChannel } from './runtime/metrics.js';
import { createEscalations } from './runtime/escalations.js';
import { startSchedules } from './runtime/schedules.js';
import { closeServer, createHttpApp, listen } from './runtime/server.js';
import { createStatusProvider } from './runtime/status.js';
import { openStoreWithin } from './runtime/store-open.js';
import { createAtlassianSource, createSweeper, sweepIntervalMs } from './runtime/sweeps.js';
import { registerGuardDetectWebhook } from './sources/guard-detect/webhook.js';
import { registerAtlassianWebhook } from './sources/webhook.js';
import { createStore, type Store, type SweepSummary } from './store/store.js';

export interface VigilApp {
  store: Store;
  pipeline: Pipeline;
  log: Logger;
  /** Run one sweep now (no-op without Atlassian credentials). */
  sweep(signal?: AbortSignal): Promise<SweepSummary | undefined>;
  /** `vigil learn`: learn `sinceMs` of history without alerting (undefined: another replica is sweeping). */
  learn(sinceMs: number, signal?: AbortSignal, onProgress?: (rec: LearningRecord) => void): Promise<LearningRecord | undefined>;
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

/** The composition root: builds every real dependency from the configuration and wires them. Wiring only. */
export async function createApp(cfg: Config, log: Logger, opts: AppOptions = {}): Promise<VigilApp> {
  registerSecrets(secretsOf(cfg));
  configureHttp({ ...cfg.core, timeoutMs: cfg.core.HTTP_TIMEOUT_MS });
  const kv = await openStoreWithin(opts.storeUrl ?? cfg.core.VIGIL_STORE_URL, { timeoutMs: cfg.core.VIGIL_STORE_CONNECT_TIMEOUT, log });
  const store = createStore(kv, { lockLeaseMs: cfg.core.VIGIL_LOCK_LEASE });
  const orgId = cfg.core.ATLASSIAN_ORG_ID ?? 'default';
  const enricher = await createEnricher(cfg.detection, log);
  const metrics = createMetrics({ defaultMetrics: true });
  const dryRun = cfg.core.VIGIL_DRY_RUN;
  const graph = createGraph(cfg.entra);
  const messengers = createMessengerRegistry();
  const actions = instrumentActions(createActionsService({ env: cfg.entra, store, log, dryRun, messengers, graph }), metrics);
  const http = createHttpApp();
  const status = createStatusProvider({ cfg, store, orgId, channelNames: () => chat.names });
  const chat = await createChannels(cfg, { http, store, actions, messengers, graph: graph?.client(), log, dryRun, httpTimeoutMs: cfg.core.HTTP_TIMEOUT_MS, inbound: inboundLimits(cfg.core, cfg.core.VIGIL_CHAT_MAX_BYTES), status, onActionDone: () => void delivery.drain() });
  const channels = [...(opts.channels ?? []), ...chat.channels].map((c) => instrumentChannel(c, metrics));

  // Several replicas on one store: one sweep per org, one ingest batch per org, one drainer per channel.
  const lease = cfg.core.VIGIL_LOCK_LEASE;
  const guards = createReplicaGuards({ locks: store.locks, orgId, log, sweepLeaseMs: lease, ingestLeaseMs: lease, drainLeaseMs: lease });
  const outbox = createOutbox({ store, channels, log, dryRun });
  const delivery = createDeliveryScheduler({ outbox, channelNames: channels.map((c) => c.name), guards, log });
  const onIngested = (r: { processed: number; quarantined: number; alerts: Alert[] }) => {
    metrics.eventsRead.inc(r.processed);
    metrics.eventsQuarantined.inc(r.quarantined);
    countAlerts(metrics, r.alerts);
    if (r.alerts.length > 0) void delivery.drain();
  };
  const { exclusive, assertHeld: beforeCommit } = guards.ingest;
  const engine = await buildEngineOptions(cfg);
  const pipeline = createPipeline({ store, orgId, enricher, engine, log, seenWindowMs: cfg.core.VIGIL_SEEN_WINDOW, exclusive, beforeCommit, onIngested });
  const client = createAtlassianSource(cfg, log);
  const sweep = client ? createSweeper(client, { cfg, orgId, pipeline, store, guards, metrics, log, drain: delivery.drain, onProgress: opts.onSweepProgress }) : undefined;
  const housekeeping = createHousekeeping({ cfg, store, log, channelNames: () => channels.map((c) => c.name), notice: chat.notice });
  const policy = { ackTimeoutMs: cfg.core.VIGIL_ACK_TIMEOUT, escalateAfterMs: cfg.core.VIGIL_ESCALATE_AFTER, minSeverity: cfg.core.VIGIL_ESCALATE_SEVERITY };
  const escalations = createEscalations({ store, log, policy, onChange: () => void delivery.drain() });
  const sweepEveryMs = sweepIntervalMs(cfg.core.VIGIL_SWEEP_SCHEDULE);
  const reportCron = cfg.report.VIGIL_REPORT_CRON;
  const report = reportCron ? { schedule: reportCron, run: createReportJob({ store, log, schedule: reportCron, targets: () => chat.reportTargets, sensitivityOf: (id) => engine.settings(id).sensitivity, policyFile: cfg.detection.VIGIL_POLICY_FILE }) } : undefined;

  const webhookLimits = inboundLimits(cfg.core, cfg.core.VIGIL_WEBHOOK_MAX_BYTES);
  registerAtlassianWebhook(http, { secret: cfg.core.VIGIL_WEBHOOK_SECRET, maxBytes: webhookLimits.maxBytes, limits: webhookLimits, pipeline, log });
  const onGuardDetect = (alerts: Alert[]) => (countAlerts(metrics, alerts), void delivery.drain());
  registerGuardDetectWebhook(http, { secret: cfg.core.VIGIL_GUARD_DETECT_SECRET, limits: inboundLimits(cfg.core, 262_144), store, log, onAlerts: onGuardDetect });
  registerOpsRoutes(http, { store, metrics, sweepIntervalMs: client ? sweepEveryMs : undefined, startedAt: Date.now(), metricsToken: cfg.core.VIGIL_METRICS_TOKEN });

  let [server, schedules]: [Server | undefined, { stop(): Promise<void> } | undefined] = [undefined, undefined];
  return {
    ...{ store, pipeline, log, housekeeping, drain: delivery.drain },
    sweep: async (signal) => sweep?.(signal),
    async learn(sinceMs, signal, onProgress) {
      if (!client) throw new Error('vigil learn needs ATLASSIAN_ORG_ID and ATLASSIAN_API_KEY (see .env.example)');
      const { learnOnDemand } = await import('./pipeline/learn-run.js');
      const run = { client, pipeline, store, orgId, log, overlapMs: cfg.core.VIGIL_OVERLAP, maxPages: cfg.core.VIGIL_SWEEP_MAX_PAGES };
      return guards.sweep(() => learnOnDemand({ ...run, ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) }, sinceMs));
    },
    async start() {
      let port = cfg.core.PORT;
      if (opts.http !== false) {
        server = await listen(http, cfg.core.VIGIL_HOST, cfg.core.PORT, log);
        const addr = server.address();
        if (addr && typeof addr === 'object') port = addr.port;
      }
      await chat.start();
      // The doctor at start-up: every configured integration checked for real, failures logged with their fix.
      if (!cfg.demo) void runStartupDoctor(cfg, { store, log, graph });
      const sweeps = sweep && { schedule: cfg.core.VIGIL_SWEEP_SCHEDULE, run: (s: AbortSignal) => sweep(s, 'background'), coordinator: guards.coordinator, leaseMs: sweepEveryMs };
      schedules = startSchedules({ store, log, housekeeping, report, escalations, refreshIpLists: !cfg.demo ? enricher.refresh : undefined, sweeps });
      delivery.start();
      return { port };
    },
    async stop() {
      delivery.stop();
      await schedules?.stop();
      if (server) await closeServer(server);
      await chat.stop();
      await delivery.idle();
      await store.close();
    },
  };
}
