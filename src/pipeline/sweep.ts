import { z } from 'zod';
import type { NormalizedEvent } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { AtlassianClient, PageRequest, PageResult } from '../sources/atlassian/client.js';
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
    const cp = await opts.store.getCheckpoint(opts.orgId);
    let watermark = cp?.watermark ?? 0;
    const resumeFrom = () => (watermark > 0 ? watermark - opts.overlapMs : startedAt - opts.backfillMs);
    let req: PageRequest = cp?.cursor ? { cursor: cp.cursor } : { from: resumeFrom() };
    // One page is read ahead while the current one is processed and committed (never more than one request in
    // flight): the main thread otherwise sat idle for half of a sweep waiting on the network and the store.
    let ahead: { req: PageRequest; res: Promise<PageResult> } | undefined;
    const readAhead = (next: PageRequest) => {
      const res = opts.client.readPage(next);
      res.catch(() => undefined); // its error surfaces when it is awaited; never as an unhandled rejection
      ahead = { req: next, res };
    };
    try {
      for (let pages = 1; pages <= opts.maxPages; pages++) {
        if (opts.signal?.aborted) {
          opts.log.info('sweep stopped between pages; the checkpoint is intact');
          break;
        }
        const res = ahead && ahead.req === req ? await ahead.res : await opts.client.readPage(req);
        ahead = undefined;
        if (res.kind === 'cursor-rejected') {
          if (!('cursor' in req)) throw new Error(`Atlassian rejected a time-window request (HTTP ${res.status})`);
          opts.log.warn({ status: res.status }, 'Atlassian rejected the stored cursor; resuming from the last processedAt minus the overlap');
          req = { from: resumeFrom() };
          continue;
        }
        const previous = 'cursor' in req ? req.cursor : undefined;
        const last = !res.next || res.next === previous || res.events.length < opts.client.pageLimit || pages === opts.maxPages;
        const next: PageRequest | undefined = last ? undefined : { cursor: res.next! };
        if (next) readAhead(next);
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
        if (!next) break;
        req = next;
      }
    } finally {
      // A page read ahead but not processed (stop, error) is dropped: the checkpoint still points at it.
      await ahead?.res.catch(() => undefined);
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
