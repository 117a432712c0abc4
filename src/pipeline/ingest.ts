import type { Alert, NormalizedEvent } from '../domain/index.js';
import { evaluateBatch, keyedSlots, reviveActor, reviveKeyed, reviveOrg, initialEngineState, type EngineOptions, type EngineState } from '../detections/engine.js';
import type { Enricher } from '../enrich/index.js';
import { createMutex, type Mutex } from '../lib/mutex.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { untrustedTime } from './clock.js';

export interface PipelineOptions {
  store: Store;
  /** Checkpoint key: the Atlassian org id (or "default" for webhook-only and demo deployments). */
  orgId: string;
  enricher: Enricher;
  engine: EngineOptions;
  log: Logger;
  /** How long processed event ids are remembered for dedupe (overlap re-reads, webhook + sweep), wall clock. */
  seenWindowMs: number;
  /** The receiving clock: events too far ahead of it are quarantined. */
  now?: () => number;
  /** Test seam (and the replica lock's fence check): runs right before the batch's one write. */
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
  /**
   * Learning from history: state, activity, seen ids and checkpoint are committed as usual, but no alert is stored
   * or delivered. Called with the alerts the batch would have opened, it returns a record to write in the same
   * commit (the learning progress), so a kill never counts a page twice.
   */
  learn?: (wouldHaveOpened: readonly Alert[]) => { name: string; value: unknown };
}

export interface IngestResult {
  received: number;
  duplicates: number;
  processed: number;
  /** Events held back because their time cannot be trusted (never fed to detections or activity). */
  quarantined: number;
  alerts: Alert[];
  /** Learning only: alerts the batch would have opened. */
  wouldHaveOpened?: Alert[];
}

/** Turn stored records into the state the engine runs against (a record of the wrong shape starts afresh). */
function reviveState(rec: Awaited<ReturnType<Store['loadStateRecords']>>, log: Logger, orgKey: string): EngineState {
  const state = initialEngineState();
  if (rec.org !== undefined) {
    const org = reviveOrg(rec.org);
    if (!org) throw new Error(`the org detection state of ${orgKey} has an unknown shape; refusing to reset it (see docs/upgrading.md)`);
    state.org = org;
  }
  for (const [id, raw] of rec.actors) {
    const a = reviveActor(raw);
    if (a) state.actors.set(id, a);
    else log.warn('one actor’s stored detection state has an unknown shape; that actor starts afresh');
  }
  for (const [slot, raw] of rec.keyed) {
    const k = reviveKeyed(raw);
    if (k) state.keyed.set(slot, k);
  }
  return state;
}

/** Ids of the alerts open in a state (per actor and per keyed group). */
function openAlertIds(state: EngineState): Set<string> {
  const ids = new Set<string>();
  for (const a of state.actors.values()) for (const d in a.open) ids.add(a.open[d]!.alertId);
  for (const k of state.keyed.values()) if (k.open) ids.add(k.open.alertId);
  return ids;
}

/**
 * The one path every event takes (sweep pages, webhook pushes, demo): dedupe on event id → quarantine
 * untrusted times → enrich → load the state of the batch's actors → detect → ONE atomic write of the alerts
 * (queued for delivery), the changed state, activity, seen ids and checkpoint. A crash before that write
 * replays the batch from the last committed state: alert ids are deterministic and the store merges, so
 * nothing is lost and nothing is doubled. Batches are processed one at a time; cost follows the batch.
 */
export function createPipeline(opts: PipelineOptions) {
  const exclusive = opts.exclusive ?? createMutex();
  const now = opts.now ?? Date.now;

  function ingest(events: readonly NormalizedEvent[], io: IngestOptions = {}): Promise<IngestResult> {
    return exclusive(async () => {
      const unique = new Map<string, NormalizedEvent>();
      for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
      const ids = [...unique.keys()];
      const { checkpoint: cp, seen } = await opts.store.beginBatch(opts.orgId, ids, opts.seenWindowMs);
      const wall = now();
      const fresh: NormalizedEvent[] = [];
      const quarantined: { event: NormalizedEvent; reason: string }[] = [];
      const newIds: string[] = [];
      ids.forEach((id, i) => {
        if (seen[i]) return;
        newIds.push(id);
        const e = unique.get(id)!;
        const reason = untrustedTime(e, wall);
        if (reason) quarantined.push({ event: e, reason });
        else fresh.push(e);
      });
      for (const q of quarantined) opts.log.warn({ eventId: q.event.id.slice(0, 200), reason: q.reason }, 'quarantined an event whose time cannot be trusted');

      // Detections window on event time; a stable sort keeps processing order for equal times.
      const ordered = fresh.map((e) => opts.enricher.enrich(e)).sort((a, b) => a.time - b.time);
      const actorIds = [...new Set(ordered.map((e) => e.actor.id))];
      const slots = [...keyedSlots(ordered, opts.engine)];
      const state = reviveState(await opts.store.loadStateRecords(opts.orgId, actorIds, slots), opts.log, opts.orgId);
      const { alerts: raised, changes } = evaluateBatch(ordered, state, opts.engine);
      // Learning: an alert is new when its open record was not in the state the batch started from.
      const before = io.learn ? openAlertIds(state) : undefined;
      const wouldHaveOpened = before ? raised.filter((a) => !before.has(a.id)) : undefined;
      const alerts = io.learn ? [] : raised;
      const meta = io.learn ? [io.learn(wouldHaveOpened!)] : undefined;
      await opts.beforeCommit?.();
      const cursor = io.cursor === undefined ? cp?.cursor : (io.cursor ?? undefined);
      const watermark = io.watermark !== undefined ? Math.max(io.watermark, cp?.watermark ?? 0) : cp?.watermark;
      await opts.store.commitBatch(opts.orgId, {
        alerts,
        ...(ordered.length > 0 ? { state: changes } : {}),
        activity: ordered,
        seenIds: newIds,
        seenTtlMs: opts.seenWindowMs,
        quarantined,
        checkpoint: { ...(cursor !== undefined ? { cursor } : {}), ...(watermark !== undefined ? { watermark } : {}) },
        ...(meta ? { meta } : {}),
      });
      const result: IngestResult = {
        received: events.length,
        duplicates: events.length - newIds.length,
        processed: fresh.length,
        quarantined: quarantined.length,
        alerts,
        ...(wouldHaveOpened ? { wouldHaveOpened } : {}),
      };
      opts.onIngested?.(result);
      return result;
    });
  }

  return { ingest };
}
export type Pipeline = ReturnType<typeof createPipeline>;
