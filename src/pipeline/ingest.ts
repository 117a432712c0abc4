import type { Alert, NormalizedEvent } from '../domain/index.js';
import { initialEngineState, reviveEngineState, runDetections, type EngineOptions } from '../detections/engine.js';
import type { Enricher } from '../enrich/index.js';
import { createMutex, type Mutex } from '../lib/mutex.js';
import type { Logger } from '../log.js';
import type { Checkpoint, Store } from '../store/store.js';
import { recordActivity } from './activity.js';

export interface PipelineOptions {
  store: Store;
  /** Checkpoint key: the Atlassian org id (or "default" for webhook-only and demo deployments). */
  orgId: string;
  enricher: Enricher;
  engine: EngineOptions;
  log: Logger;
  /** How long processed event ids are remembered for dedupe (overlap re-reads, webhook + sweep). */
  seenWindowMs: number;
  now?: () => number;
  /** Test seam: runs after alerts are stored and before the checkpoint is written (a crash here must be safe). */
  beforeCommit?: () => Promise<void> | void;
  onIngested?: (info: IngestResult) => void;
  /** Batch mutex; several replicas pass the store lock (src/pipeline/lock.ts). Default: in-process. */
  exclusive?: Mutex;
}

export interface IngestOptions {
  /** New cursor to commit with this batch (sweeps); `null` clears it; undefined keeps the stored one (webhook). */
  cursor?: string | null;
  /** New processedAt watermark (sweeps only: streamed events must not move the polling position). */
  watermark?: number;
}

export interface IngestResult {
  received: number;
  duplicates: number;
  processed: number;
  alerts: Alert[];
}

/**
 * The one path every event takes (sweep pages, webhook pushes, demo): dedupe on event id → enrich → detect →
 * store alerts (queued for delivery) → store activity → commit checkpoint (cursor, watermark, engine state, seen
 * ids) in ONE write. A crash before that write replays the batch: alert ids are deterministic and the store
 * merges, so nothing is lost and nothing is doubled. Batches are processed one at a time.
 */
export function createPipeline(opts: PipelineOptions) {
  const exclusive = opts.exclusive ?? createMutex();
  const now = opts.now ?? Date.now;

  function ingest(events: readonly NormalizedEvent[], io: IngestOptions = {}): Promise<IngestResult> {
    return exclusive(async () => {
      const cp: Checkpoint = (await opts.store.getCheckpoint(opts.orgId)) ?? { seen: {}, updatedAt: 0 };
      let state = reviveEngineState(cp.engine);
      if (!state) {
        if (cp.engine !== undefined) opts.log.warn('stored detection state has an unknown shape; starting fresh');
        state = initialEngineState();
      }
      const seen = { ...cp.seen };
      const fresh: NormalizedEvent[] = [];
      for (const e of events) {
        if (seen[e.id] !== undefined) continue;
        seen[e.id] = e.processedAt;
        fresh.push(e);
      }
      const enriched = fresh.map((e) => opts.enricher.enrich(e));
      // Detections window on event time; a stable sort keeps processing order for equal times.
      const ordered = [...enriched].sort((a, b) => a.time - b.time);
      const { alerts, state: next } = runDetections(ordered, state, opts.engine);
      await opts.store.saveAlerts(alerts);
      if (enriched.length > 0) await recordActivity(opts.store, ordered);

      const newest = Math.max(0, ...Object.values(seen));
      for (const [id, at] of Object.entries(seen)) if (at < newest - opts.seenWindowMs) delete seen[id];
      await opts.beforeCommit?.();
      await opts.store.saveCheckpoint(opts.orgId, {
        cursor: io.cursor === undefined ? cp.cursor : (io.cursor ?? undefined),
        watermark: io.watermark !== undefined ? Math.max(io.watermark, cp.watermark ?? 0) : cp.watermark,
        engine: next,
        seen,
        updatedAt: now(),
      });
      const result = { received: events.length, duplicates: events.length - fresh.length, processed: fresh.length, alerts };
      opts.onIngested?.(result);
      return result;
    });
  }

  return { ingest };
}
export type Pipeline = ReturnType<typeof createPipeline>;
