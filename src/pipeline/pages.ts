import type { NormalizedEvent } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { AtlassianClient, PageRequest, PageResult } from '../sources/atlassian/client.js';
import { normalizeAtlassianEvent } from '../sources/atlassian/normalize.js';

/** A page's raw events normalised (malformed ones logged and counted), with the newest processedAt. */
export function normalizePage(raw: readonly unknown[], names: ReadonlyMap<string, string>, log: Logger): { events: NormalizedEvent[]; skipped: number; newest: number } {
  const events: NormalizedEvent[] = [];
  let skipped = 0;
  let newest = 0;
  for (const item of raw) {
    const n = normalizeAtlassianEvent(item, 'atlassian-org', names);
    if (n.ok) {
      events.push(n.event);
      if (n.event.processedAt > newest) newest = n.event.processedAt;
    } else {
      skipped++;
      log.warn({ eventId: n.id, reason: n.reason }, 'skipped a malformed audit event');
    }
  }
  return { events, skipped, newest };
}

export interface PageStep {
  /** The request that read this page (a restart re-reads it with this). */
  req: PageRequest;
  events: unknown[];
  /** The page's next cursor as Atlassian gave it (also on the last page). */
  cursor?: string;
  /** What the next page is read with; undefined on the last page of this run. */
  next?: PageRequest;
  /** 1-based page number in this run. */
  page: number;
  /** The stream has nothing after this page (not merely the page limit of this run). */
  end: boolean;
}

export interface PageReadOptions {
  client: AtlassianClient;
  log: Logger;
  maxPages: number;
  signal?: AbortSignal;
  /** Where to go on when Atlassian rejects a cursor (expired): a time-window request. */
  onCursorRejected: () => PageRequest;
}

/**
 * Page through events-stream from `start` to the end (or `maxPages`, or a stop between pages). One page is read
 * ahead while the consumer processes the current one (never more than one request in flight): the main thread
 * otherwise sat idle for half of a sweep waiting on the network and the store. A page read ahead but not
 * consumed (stop, error) is dropped; the consumer's checkpoint still points at it.
 */
export async function* readPages(o: PageReadOptions, start: PageRequest): AsyncGenerator<PageStep> {
  let req = start;
  let ahead: { req: PageRequest; res: Promise<PageResult> } | undefined;
  try {
    for (let page = 1; page <= o.maxPages; page++) {
      if (o.signal?.aborted) {
        o.log.info('stopped between pages; the checkpoint is intact');
        return;
      }
      const res = ahead && ahead.req === req ? await ahead.res : await o.client.readPage(req);
      ahead = undefined;
      if (res.kind === 'cursor-rejected') {
        if (!('cursor' in req)) throw new Error(`Atlassian rejected a time-window request (HTTP ${res.status})`);
        o.log.warn({ status: res.status }, 'Atlassian rejected the stored cursor; resuming from the last processedAt minus the overlap');
        req = o.onCursorRejected();
        continue;
      }
      const previous = 'cursor' in req ? req.cursor : undefined;
      const end = !res.next || res.next === previous || res.events.length < o.client.pageLimit;
      const last = end || page === o.maxPages;
      const next: PageRequest | undefined = last ? undefined : { cursor: res.next! };
      if (next) {
        const read = o.client.readPage(next);
        read.catch(() => undefined); // its error surfaces when it is awaited; never as an unhandled rejection
        ahead = { req: next, res: read };
      }
      yield { req, events: res.events, ...(res.next ? { cursor: res.next } : {}), ...(next ? { next } : {}), page, end };
      if (!next) return;
      req = next;
    }
  } finally {
    await ahead?.res.catch(() => undefined);
  }
}
