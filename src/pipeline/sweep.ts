import { z } from 'zod';
import type { Logger } from '../log.js';
import type { AtlassianClient, PageRequest } from '../sources/atlassian/client.js';
import type { Store, SweepSummary } from '../store/store.js';
import type { Pipeline } from './ingest.js';
import { learnFromHistory, learningKey, newLearning, readLearning, type LearningRecord } from './learn.js';
import { normalizePage, readPages } from './pages.js';

export interface SweepOptions {
  client: AtlassianClient;
  pipeline: Pipeline;
  store: Store;
  orgId: string;
  log: Logger;
  /** How far back the very first sweep reads. */
  backfillMs: number;
  /** Re-read margin when the cursor is rejected and the sweep resumes from the watermark. */
  overlapMs: number;
  maxPages: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Called with progress (events so far, pages so far) on long sweeps. */
  onProgress?: (events: number, pages: number) => void;
  /** First start with an empty store: learn this much history (no alerts) before going live; 0: never. */
  learnMs?: number;
  /** Progress of learning from history (the CLI draws a bar). */
  onLearnProgress?: (rec: LearningRecord) => void;
}

const ActionNames = z.object({ fetchedAt: z.number(), names: z.record(z.string(), z.string()) });
const DAY = 86_400_000;

/** Display names from /event-actions, refreshed once a day; a failure keeps the previous catalogue. */
export async function loadActionNames(opts: Pick<SweepOptions, 'client' | 'store' | 'log' | 'orgId' | 'now'>): Promise<Map<string, string>> {
  const now = (opts.now ?? Date.now)();
  const cached = await opts.store.getMeta(`event-actions:${opts.orgId}`, ActionNames).catch(() => undefined);
  if (cached && now - cached.fetchedAt < DAY) return new Map(Object.entries(cached.names));
  try {
    const names = await opts.client.readEventActions();
    await opts.store.setMeta(`event-actions:${opts.orgId}`, { fetchedAt: now, names: Object.fromEntries(names) });
    opts.log.info({ actions: names.size }, 'event-actions catalogue loaded');
    return names;
  } catch (err) {
    opts.log.warn({ err: (err as Error).message }, 'could not load /event-actions; using the previous catalogue');
    return new Map(Object.entries(cached?.names ?? {}));
  }
}

/**
 * One sweep: page through events-stream from the stored cursor (or the watermark minus the overlap, or the
 * backfill window) to the end. Each page is committed through the pipeline before the next one is processed (the
 * next is read ahead meanwhile), so a stop at any point loses at most the pages in flight, which the next sweep
 * reads again from the committed cursor.
 */
export async function sweepOnce(opts: SweepOptions): Promise<SweepSummary> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const summary: SweepSummary = { startedAt, finishedAt: startedAt, events: 0, alerts: 0, skipped: 0, ok: true };
  const alertIds = new Set<string>();
  try {
    const names = await loadActionNames(opts);
    if (!(await learnFirst(opts, names, summary, startedAt))) return summary;
    const cp = await opts.store.getCheckpoint(opts.orgId);
    let watermark = cp?.watermark ?? 0;
    const resumeFrom = () => (watermark > 0 ? watermark - opts.overlapMs : startedAt - opts.backfillMs);
    const start: PageRequest = cp?.cursor ? { cursor: cp.cursor } : { from: resumeFrom() };
    for await (const step of readPages({ ...opts, onCursorRejected: () => ({ from: resumeFrom() }) }, start)) {
      const { events, skipped, newest } = normalizePage(step.events, names, opts.log);
      summary.skipped += skipped;
      watermark = Math.max(watermark, newest);
      const r = await opts.pipeline.ingest(events, { cursor: step.cursor ?? null, watermark: watermark || undefined });
      summary.events += r.processed;
      for (const a of r.alerts) alertIds.add(a.id);
      opts.onProgress?.(summary.events, step.page);
    }
  } catch (err) {
    summary.ok = false;
    summary.error = (err as Error).message;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') summary.errorCode = code;
  } finally {
    summary.alerts = alertIds.size;
    summary.finishedAt = now();
    await opts.store.saveLastSweep(summary).catch((err: Error) => opts.log.warn({ err: err.message }, 'could not record the sweep summary'));
  }
  return summary;
}

/**
 * Learning from history before the live sweep: on the first start (no sweep position and VIGIL_LEARN set) a
 * learning window ending now is fixed and stored; while a learning run is unfinished (this one, or `vigil learn`),
 * each sweep goes on with it. True when the live sweep may run.
 */
async function learnFirst(opts: SweepOptions, names: ReadonlyMap<string, string>, summary: SweepSummary, now: number): Promise<boolean> {
  let rec = await readLearning(opts.store, opts.orgId);
  if (!rec && (opts.learnMs ?? 0) > 0) {
    const cp = await opts.store.getCheckpoint(opts.orgId);
    if (cp?.cursor || cp?.watermark) return true;
    rec = newLearning(now, opts.learnMs!, true);
    await opts.store.setMeta(learningKey(opts.orgId), rec);
    opts.log.info({ from: new Date(rec.from).toISOString(), to: new Date(rec.to).toISOString() }, 'first start: learning from the audit history before going live (no alerts from it)');
  }
  if (!rec || rec.finishedAt !== undefined) return true;
  summary.learning = true;
  const done = await learnFromHistory({ ...opts, names, onProgress: opts.onLearnProgress }, rec);
  summary.events += done.events - rec.events;
  return done.finishedAt !== undefined && !opts.signal?.aborted;
}
