import { ActionKind } from '../domain/index.js';
import type { Store } from '../store/store.js';

const DAY = 86_400_000;

export interface RetentionOptions {
  store: Store;
  /** VIGIL_RETENTION_DAYS (default 180). */
  days: number;
  /** Names of the configured channels, so their delivery records of removed alerts go too. */
  channels?: string[];
  now?: number;
}

/**
 * Remove alerts (with their audit trail, action outcomes and delivery records) whose last activity is older
 * than the retention period. An alert seen exactly at the cut-off is kept. Returns how many were removed.
 * Run it daily (the lead's scheduler) and at start-up.
 */
export async function pruneHistory(opts: RetentionOptions): Promise<{ removed: number; cutoff: number; expired: number }> {
  if (!Number.isInteger(opts.days) || opts.days < 1) throw new Error('retention must be a whole number of days, at least 1');
  const cutoff = (opts.now ?? Date.now()) - opts.days * DAY;
  const old = (await opts.store.listAlertIndex()).filter((e) => e.lastSeen < cutoff);
  // Side records first: if we stop half-way, the alert is still indexed and the next run finishes the job.
  for (const e of old) {
    for (const kind of ActionKind.options) await opts.store.deleteActionOutcome(e.id, kind);
    for (const channel of opts.channels ?? []) await opts.store.deleteDelivery(channel, e.id);
  }
  const removed = old.length > 0 ? await opts.store.pruneAlerts(cutoff) : 0;
  // Values with a time to live (seen ids, activity days, idle actors' state) on the SQL stores; Redis expires its own.
  const expired = await opts.store.purgeExpired();
  return { removed, cutoff, expired };
}
