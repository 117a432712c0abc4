import { loadItem } from '../chat-commands/export.js';
import type { Store } from '../store/store.js';
import type { ReportItem, ReportPeriod } from './model.js';

/** Alerts are raised from events up to VIGIL_BACKFILL (24 h) old: look that far before the period, and a day more. */
const RAISED_LATE_MS = 2 * 86_400_000;
/** Most alerts one report reads (newest by last sighting); past it the report says how many it left out. */
export const REPORT_SCAN_LIMIT = 5000;
const PARALLEL = 16;

export interface LoadedItems {
  items: ReportItem[];
  /** Candidates of the period not read because of the scan limit. */
  notCounted: number;
}

/**
 * The alerts that may have been raised in `period`, with their outcomes and audit trails: the index entries seen
 * since shortly before the period, newest first, at most `max`. The builder keeps those raised in the period.
 * An alert that cannot be read (corrupt) is reported through `onSkip` and left out, never fatal.
 */
export async function loadReportItems(store: Store, period: ReportPeriod, opts: { max?: number; onSkip?: (id: string, reason: string) => void } = {}): Promise<LoadedItems> {
  const max = opts.max ?? REPORT_SCAN_LIMIT;
  const candidates = (await store.listAlertIndex()).filter((e) => e.lastSeen >= period.from - RAISED_LATE_MS).sort((x, y) => y.lastSeen - x.lastSeen || x.id.localeCompare(y.id));
  const ids = candidates.slice(0, max).map((e) => e.id);
  const items: ReportItem[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL) {
    const chunk = ids.slice(i, i + PARALLEL);
    const loaded = await Promise.all(
      chunk.map((id) =>
        loadItem(store, id).catch((err: Error) => {
          opts.onSkip?.(id, err.message);
          return undefined;
        }),
      ),
    );
    for (const item of loaded) if (item) items.push(item);
  }
  return { items, notCounted: Math.max(0, candidates.length - max) };
}
