import { z } from 'zod';
import type { Alert } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { AtlassianClient, PageRequest } from '../sources/atlassian/client.js';
import type { Store } from '../store/store.js';
import type { Pipeline } from './ingest.js';
import { normalizePage, readPages, type PageStep } from './pages.js';

/**
 * Learning from history: the org's audit log of a fixed window [from, to) goes through the same pipeline as live
 * events (baselines, activity, seen ids), but no alert is stored or posted; what would have fired is counted per
 * detection. Progress is one record, written in the same commit as each page, so a kill resumes at the page
 * after the last committed one and never counts a page twice. The window is fixed when learning starts, so a
 * restart does not move it.
 */
const Resume = z.union([z.object({ cursor: z.string() }), z.object({ from: z.number() })]);
export const LearningRecord = z.object({
  from: z.number(),
  to: z.number(),
  /** First start: nothing was live before, so the live sweep takes over where learning ended. */
  handoff: z.boolean(),
  resume: Resume,
  /** Newest processedAt learned. */
  watermark: z.number().optional(),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  pages: z.number(),
  events: z.number(),
  /** Detection id → alerts it would have opened. */
  wouldHaveFired: z.record(z.string(), z.number()),
});
export type LearningRecord = z.infer<typeof LearningRecord>;

export const learningKey = (orgId: string) => `learning:${orgId}`;

export const readLearning = (store: Store, orgId: string) => store.getMeta(learningKey(orgId), LearningRecord);

/** A new learning run over [now − windowMs, to ?? now). */
export function newLearning(now: number, windowMs: number, handoff: boolean, to = now): LearningRecord {
  const from = Math.min(to, now - windowMs);
  return { from, to, handoff, resume: { from }, startedAt: now, pages: 0, events: 0, wouldHaveFired: {} };
}

/** "3 alerts (unusual-admin 2, infrequent-country 1)". */
export function describeWouldHaveFired(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return total === 0 ? 'no alerts' : `${total} alert${total === 1 ? '' : 's'} (${entries.map(([d, n]) => `${d} ${n}`).join(', ')})`;
}

/** One line for logs and `vigil status`. */
export function describeLearning(rec: LearningRecord): string {
  const days = Math.round((rec.to - rec.from) / 86_400_000);
  const fired = describeWouldHaveFired(rec.wouldHaveFired);
  if (rec.finishedAt !== undefined)
    return `learned ${days} days of history (${rec.events.toLocaleString('en')} events, ${rec.pages} pages); it would have raised ${fired}, none posted`;
  return `learning ${days} days of history: ${Math.floor(learnedFraction(rec) * 100)}% (${rec.events.toLocaleString('en')} events so far; would have raised ${fired})`;
}

export const learnedFraction = (rec: LearningRecord) => (rec.watermark === undefined ? 0 : Math.min(1, Math.max(0, (rec.watermark - rec.from) / Math.max(1, rec.to - rec.from))));

export interface LearnOptions {
  client: AtlassianClient;
  pipeline: Pipeline;
  store: Store;
  orgId: string;
  log: Logger;
  names: ReadonlyMap<string, string>;
  overlapMs: number;
  maxPages: number;
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (rec: LearningRecord) => void;
}

function advance(rec: LearningRecord, step: PageStep, learned: number, newest: number, opened: readonly Alert[], finished: boolean, now: number): LearningRecord {
  const counts = { ...rec.wouldHaveFired };
  for (const a of opened) counts[a.detection] = (counts[a.detection] ?? 0) + 1;
  const watermark = Math.max(rec.watermark ?? 0, newest) || undefined;
  // A page that reaches past `to` is read again by whoever goes on (the live sweep on a first start).
  const resume: PageRequest = !finished && step.cursor ? { cursor: step.cursor } : step.req;
  return { ...rec, resume, ...(watermark ? { watermark } : {}), pages: rec.pages + 1, events: rec.events + learned, wouldHaveFired: counts, ...(finished ? { finishedAt: now } : {}) };
}

/**
 * Go on learning from the record's position. Returns the record as committed: `finishedAt` is set once the
 * window is learned (a page reaching `to`, or the end of the stream); otherwise the next sweep goes on.
 */
export async function learnFromHistory(o: LearnOptions, start: LearningRecord): Promise<LearningRecord> {
  const now = o.now ?? Date.now;
  let rec = start;
  const fallback = (): PageRequest => ({ from: Math.max(rec.from, (rec.watermark ?? rec.from) - o.overlapMs) });
  for await (const step of readPages({ ...o, onCursorRejected: fallback }, rec.resume)) {
    const { events } = normalizePage(step.events, o.names, o.log);
    const past = events.filter((e) => e.processedAt < rec.to);
    const finished = past.length < events.length || step.end;
    const newest = past.reduce((m, e) => Math.max(m, e.processedAt), 0);
    const before = rec;
    const handoff = before.handoff && finished;
    await o.pipeline.ingest(past, {
      learn: (opened) => {
        rec = advance(before, step, past.length, newest, opened, finished, now());
        return { name: learningKey(o.orgId), value: rec };
      },
      // First start: the live checkpoint starts where learning ended (that page is read again, its learned events
      // are known by id); otherwise the live checkpoint is not touched.
      ...(handoff ? { cursor: 'cursor' in rec.resume ? rec.resume.cursor : null, watermark: rec.watermark ?? rec.to - 1 } : {}),
    });
    o.onProgress?.(rec);
    if (rec.pages % 50 === 1 || finished) o.log.info({ pages: rec.pages, events: rec.events, percent: Math.floor(learnedFraction(rec) * 100) }, describeLearning(rec));
    if (finished) return rec;
  }
  return rec;
}
