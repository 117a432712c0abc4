import type { Alert, NormalizedEvent } from '../domain/index.js';
import { applyChanges, evaluateBatch, initialEngineState, type EngineOptions, type EngineState } from '../detections/engine.js';
import { untrustedTime } from '../pipeline/clock.js';
import type { Enricher } from '../enrich/index.js';
import type { Logger } from '../log.js';
import { normalizeAtlassianEvent } from '../sources/atlassian/normalize.js';
import { readEventBatches } from '../sources/file.js';
import type { Readable } from 'node:stream';

export interface ReplayOptions {
  input: Readable;
  file: string;
  engine: EngineOptions;
  enricher: Enricher;
  log: Logger;
  /** Action key → display name (`--actions`, an /event-actions catalogue), as the sweep has at run time. */
  actionNames?: ReadonlyMap<string, string>;
  /**
   * Events are released to the detections through a bounded reorder buffer, so memory grows with users and
   * alerts, not with the file; each batch is then sorted by event time, like a sweep page. Default 0: the
   * detections place late events by their own time (tested per detection), and holding thousands of events in
   * the buffer cost a quarter of replay throughput in garbage collection (bench/run.ts).
   */
  reorderWindow?: number;
  batchSize?: number;
  onProgress?: (events: number) => void;
}

export interface ReplayResult {
  alerts: Alert[];
  events: number;
  skipped: number;
  /** Events dropped because their id was seen before in the file. */
  duplicates: number;
  /** Events held back because their time cannot be trusted (far future, before 2015). */
  quarantined: number;
}

/** A binary min-heap on event time (then arrival order), for the reorder buffer. */
function createHeap() {
  const items: Array<{ e: NormalizedEvent; seq: number }> = [];
  const less = (a: (typeof items)[number], b: (typeof items)[number]) => a.e.time < b.e.time || (a.e.time === b.e.time && a.seq < b.seq);
  return {
    get size() {
      return items.length;
    },
    push(e: NormalizedEvent, seq: number) {
      items.push({ e, seq });
      let i = items.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(items[i]!, items[p]!)) break;
        [items[i], items[p]] = [items[p]!, items[i]!];
        i = p;
      }
    },
    pop(): NormalizedEvent | undefined {
      const top = items[0];
      const last = items.pop();
      if (top && last && items.length > 0) {
        items[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < items.length && less(items[l]!, items[m]!)) m = l;
          if (r < items.length && less(items[r]!, items[m]!)) m = r;
          if (m === i) break;
          [items[i], items[m]] = [items[m]!, items[i]!];
          i = m;
        }
      }
      return top?.e;
    },
  };
}

/**
 * `vigil replay`: run the detections over a file with fresh in-memory state. Malformed events are logged and
 * skipped; unreadable JSON throws an InputError naming the file and line.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const window = opts.reorderWindow ?? 0;
  const batchSize = opts.batchSize ?? 2_000;
  const heap = createHeap();
  const alerts = new Map<string, Alert>();
  const seen = new Set<string>();
  const state: EngineState = initialEngineState();
  const wall = Date.now();
  let quarantined = 0;
  let batch: NormalizedEvent[] = [];
  let events = 0;
  let skipped = 0;
  let duplicates = 0;
  let seq = 0;

  const flush = () => {
    if (batch.length === 0) return;
    batch.sort((a, b) => a.time - b.time); // stable: equal times keep file order
    // One state for the whole file, changed in place: no per-batch copy of every actor.
    const r = evaluateBatch(batch, state, opts.engine, { inPlace: true });
    applyChanges(state, r.changes);
    for (const a of r.alerts) alerts.set(a.id, a);
    batch = [];
  };
  const release = (e: NormalizedEvent) => {
    batch.push(opts.enricher.enrich(e));
    if (batch.length >= batchSize) flush();
  };

  for await (const items of readEventBatches(opts.input, opts.file)) {
    for (const item of items) {
      const n = normalizeAtlassianEvent(item.value, 'replay', opts.actionNames);
      if (!n.ok) {
        skipped++;
        opts.log.warn({ file: opts.file, line: item.line, eventId: n.id, reason: n.reason }, 'skipped a malformed audit event');
        continue;
      }
      // Replay prints alerts only: drop the raw JSON now so a batch in flight (and anything a detection keeps)
      // does not hold whole parsed events alive; that kept the garbage collector busy promoting them.
      n.event.raw = undefined;
      // Dedupe on event id within a bounded memory (ids older than the reorder window are forgotten in bulk).
      if (seen.has(n.event.id)) {
        duplicates++;
        continue;
      }
      seen.add(n.event.id);
      if (seen.size > Math.max(window, 10_000) * 20) seen.clear();
      // An event's time is evidence, not a clock: far-future or pre-2015 times are held back (counted).
      if (untrustedTime(n.event, wall)) {
        quarantined++;
        opts.log.warn({ file: opts.file, line: item.line, eventId: n.event.id.slice(0, 200), reason: untrustedTime(n.event, wall) }, 'quarantined an event whose time cannot be trusted');
        continue;
      }
      events++;
      if (window === 0) release(n.event);
      else {
        heap.push(n.event, seq++);
        if (heap.size > window) release(heap.pop()!);
      }
      if (events % 100_000 === 0) opts.onProgress?.(events);
    }
  }
  while (heap.size > 0) release(heap.pop()!);
  flush();
  return { alerts: [...alerts.values()].sort((a, b) => a.firstSeen - b.firstSeen || a.id.localeCompare(b.id)), events, skipped, duplicates, quarantined };
}
