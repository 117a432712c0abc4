import type { SweepSummary } from '../store/store.js';

/** What the composition root knows about the running service; the lead's status provider returns it. */
export interface StatusInfo {
  /** Store backend kind (never its URL). */
  store: string;
  /** When the sweep cursor was last committed (epoch ms), if a sweep has run. */
  cursorUpdatedAt?: number;
  /** Each integration and whether it is configured and healthy. */
  integrations: Array<{ name: string; ok: boolean; detail?: string }>;
  demo?: boolean;
  dryRun?: boolean;
  version?: string;
  /** Learning from history: where it is, or what it learned and what would have fired. */
  learning?: string;
}

export interface StatusReport {
  kind: 'status';
  lastSweep?: SweepSummary & { agoMs: number };
  cursorAgeMs?: number;
  store: string;
  integrations: StatusInfo['integrations'];
  demo: boolean;
  dryRun: boolean;
  version?: string;
  learning?: string;
}

/** Combine the last sweep summary with the service status. Pure. */
export function buildStatus(lastSweep: SweepSummary | undefined, info: StatusInfo, now: number): StatusReport {
  return {
    kind: 'status',
    lastSweep: lastSweep ? { ...lastSweep, agoMs: Math.max(0, now - lastSweep.finishedAt) } : undefined,
    cursorAgeMs: info.cursorUpdatedAt !== undefined ? Math.max(0, now - info.cursorUpdatedAt) : undefined,
    store: info.store,
    integrations: info.integrations,
    demo: info.demo ?? false,
    dryRun: info.dryRun ?? false,
    version: info.version,
    ...(info.learning ? { learning: info.learning } : {}),
  };
}

/** "4 min", "2 h 5 min", "3 d": for renderers. */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}
