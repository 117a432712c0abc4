import { z } from 'zod';
import type { NormalizedEvent } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { AtlassianClient, PageRequest } from '../sources/atlassian/client.js';
import { normalizeAtlassianEvent } from '../sources/atlassian/normalize.js';
import type { Store, SweepSummary } from '../store/store.js';
import type { Pipeline } from './ingest.js';

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
 * backfill window) to the end. Each page is committed through the pipeline before the next is read, so a stop
 * at any point loses at most the page in flight, which the next sweep reads again.
 */
export async function sweepOnce(opts: SweepOptions): Promise<SweepSummary> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const summary: SweepSummary = { startedAt, finishedAt: startedAt, events: 0, alerts: 0, skipped: 0, ok: true };
  const alertIds = new Set<string>();
  try {
    const names = await loadActionNames(opts);
    const cp = await opts.store.getCheckpoint(opts.orgId);
    let watermark = cp?.watermark ?? 0;
    const resumeFrom = () => (watermark > 0 ? watermark - opts.overlapMs : startedAt - opts.backfillMs);
    let req: PageRequest = cp?.cursor ? { cursor: cp.cursor } : { from: resumeFrom() };
    for (let pages = 1; pages <= opts.maxPages; pages++) {
      if (opts.signal?.aborted) {
        opts.log.info('sweep stopped between pages; the checkpoint is intact');
        break;
      }
      const res = await opts.client.readPage(req);
      if (res.kind === 'cursor-rejected') {
        if (!('cursor' in req)) throw new Error(`Atlassian rejected a time-window request (HTTP ${res.status})`);
        opts.log.warn({ status: res.status }, 'Atlassian rejected the stored cursor; resuming from the last processedAt minus the overlap');
        req = { from: resumeFrom() };
        continue;
      }
      const events: NormalizedEvent[] = [];
      for (const raw of res.events) {
        const n = normalizeAtlassianEvent(raw, 'atlassian-org', names);
        if (n.ok) {
          events.push(n.event);
          if (n.event.processedAt > watermark) watermark = n.event.processedAt;
        } else {
          summary.skipped++;
          opts.log.warn({ eventId: n.id, reason: n.reason }, 'skipped a malformed audit event');
        }
      }
      const r = await opts.pipeline.ingest(events, { cursor: res.next ?? null, watermark: watermark || undefined });
      summary.events += r.processed;
      for (const a of r.alerts) alertIds.add(a.id);
      opts.onProgress?.(summary.events, pages);
      const previous = 'cursor' in req ? req.cursor : undefined;
      if (!res.next || res.next === previous || res.events.length < opts.client.pageLimit) break;
      req = { cursor: res.next };
    }
  } catch (err) {
    summary.ok = false;
    summary.error = (err as Error).message;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') summary.errorCode = code;
  }
  summary.alerts = alertIds.size;
  summary.finishedAt = now();
  await opts.store.saveLastSweep(summary).catch((err: Error) => opts.log.warn({ err: err.message }, 'could not record the sweep summary'));
  return summary;
}
