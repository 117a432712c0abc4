import cron from 'node-cron';
import type { Config } from '../config/index.js';
import { recordCredential } from '../doctor/credentials.js';
import type { Logger } from '../log.js';
import type { Pipeline } from '../pipeline/ingest.js';
import type { ReplicaGuards } from '../pipeline/lock.js';
import type { LearningRecord } from '../pipeline/learn.js';
import { sweepOnce } from '../pipeline/sweep.js';
import { createAtlassianClient, type AtlassianClient } from '../sources/atlassian/client.js';
import type { Store, SweepSummary } from '../store/store.js';
import { observeSweep, type Metrics } from './metrics.js';

export interface SweeperDeps {
  cfg: Config;
  orgId: string;
  pipeline: Pipeline;
  store: Store;
  guards: Pick<ReplicaGuards, 'sweep'>;
  metrics: Metrics;
  log: Logger;
  /** Deliver what the sweep raised. */
  drain: () => Promise<void>;
  onProgress?: (events: number, pages: number) => void;
  onLearnProgress?: (rec: LearningRecord) => void;
}

/** The Atlassian client, when ATLASSIAN_API_KEY and ATLASSIAN_ORG_ID are set (demo mode has none). */
export function createAtlassianSource(cfg: Config, log: Logger): AtlassianClient | undefined {
  if (!cfg.core.ATLASSIAN_API_KEY || !cfg.core.ATLASSIAN_ORG_ID) return undefined;
  return createAtlassianClient({
    baseUrl: cfg.core.ATLASSIAN_API_BASE_URL,
    orgId: cfg.core.ATLASSIAN_ORG_ID,
    apiKey: cfg.core.ATLASSIAN_API_KEY,
    pageLimit: cfg.core.ATLASSIAN_PAGE_LIMIT,
    retry: { maxRetries: cfg.core.ATLASSIAN_MAX_RETRIES },
    timeoutMs: cfg.core.HTTP_TIMEOUT_MS,
    onRetry: (i) => log.warn({ attempt: i.attempt, status: i.status, delayMs: i.delayMs }, `Atlassian ${i.reason}; retrying`),
  });
}

/**
 * One sweep of the Atlassian audit log, one replica at a time: read, raise, report (log line, metrics, and the
 * credential state /readyz shows), then deliver (waiting for it, or in the background for scheduled sweeps).
 */
export function createSweeper(client: AtlassianClient, deps: SweeperDeps) {
  const { cfg, store, log } = deps;

  async function sweepLocked(signal?: AbortSignal): Promise<SweepSummary> {
    const s = await sweepOnce({
      client,
      pipeline: deps.pipeline,
      store,
      orgId: deps.orgId,
      log,
      backfillMs: cfg.core.VIGIL_BACKFILL,
      overlapMs: cfg.core.VIGIL_OVERLAP,
      maxPages: cfg.core.VIGIL_SWEEP_MAX_PAGES,
      signal,
      onProgress: deps.onProgress,
      learnMs: cfg.core.VIGIL_LEARN,
      ...(deps.onLearnProgress ? { onLearnProgress: deps.onLearnProgress } : {}),
    });
    // /readyz reports the Atlassian credentials as last seen by a sweep.
    if (s.ok) await recordCredential(store, 'atlassian', { ok: true }).catch(() => undefined);
    else if (s.errorCode === 'upstream_auth') await recordCredential(store, 'atlassian', { ok: false, detail: s.error }).catch(() => undefined);
    observeSweep(deps.metrics, { ...s, watermark: (await store.getCheckpoint(deps.orgId).catch(() => undefined))?.watermark });
    const line = `sweep${s.learning ? ' (learning from history, no alerts)' : ''}: ${s.events} events read, ${s.alerts} alerts raised, ${s.skipped} malformed skipped, ${s.finishedAt - s.startedAt} ms`;
    if (s.ok) log.info(s, line);
    else log.error({ ...s }, `${line}; failed: ${s.error}`);
    return s;
  }

  return async function sweep(signal?: AbortSignal, deliver: 'wait' | 'background' = 'wait'): Promise<SweepSummary | undefined> {
    const done = await deps.guards.sweep(() => sweepLocked(signal));
    if (deliver === 'wait') await deps.drain();
    else void deps.drain();
    return done;
  };
}
export type Sweep = ReturnType<typeof createSweeper>;

/** The interval between two fires of a cron schedule (for the readiness check's "last sweep recent"). */
export function sweepIntervalMs(schedule: string): number | undefined {
  const task = cron.createTask(schedule, () => undefined);
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? b.getTime() - a.getTime() : undefined;
}
