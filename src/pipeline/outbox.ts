import type { AlertChannel, AlertView } from '../channels/types.js';
import type { Alert } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { Delivery, Store } from '../store/store.js';

export interface OutboxOptions {
  store: Store;
  channels: AlertChannel[];
  log: Logger;
  dryRun: boolean;
  now?: () => number;
  /** Backoff for a failed delivery: base * 2^attempts, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  activityUrl?: (alert: Alert) => string | undefined;
}

export interface DrainResult {
  delivered: number;
  failed: number;
  pending: number;
}

/** Build the view a renderer needs: the alert plus its actions and audit trail. */
export async function loadAlertView(store: Store, alert: Alert, dryRun: boolean, activityUrl?: (a: Alert) => string | undefined): Promise<AlertView> {
  const kinds = ['notify', 'revoke-sessions', 'suspend', 'unsuspend', 'dismiss'] as const;
  const outcomes = (await Promise.all(kinds.map((k) => store.getActionOutcome(alert.id, k)))).filter((o) => o !== undefined);
  return { alert, outcomes, audit: await store.listAudit(alert.id), dryRun, activityUrl: activityUrl?.(alert) };
}

/**
 * Drain the outbox: every channel independently receives every alert revision it has not yet delivered.
 * A channel that fails is retried later with backoff and never blocks the other channels.
 */
export function createOutbox(opts: OutboxOptions) {
  const now = opts.now ?? Date.now;
  const base = opts.retryBaseMs ?? 5_000;
  const max = opts.retryMaxMs ?? 15 * 60_000;

  async function drain(): Promise<DrainResult> {
    const result: DrainResult = { delivered: 0, failed: 0, pending: 0 };
    const ids = await opts.store.pendingOutbox();
    if (ids.length === 0) return result;
    const alerts = (await Promise.all(ids.map((id) => opts.store.getAlert(id)))).filter((a): a is Alert => a !== undefined);
    const done = new Set(ids.filter((id) => !alerts.some((a) => a.id === id)));
    const views = new Map<string, AlertView>();
    for (const a of alerts) views.set(a.id, await loadAlertView(opts.store, a, opts.dryRun, opts.activityUrl));

    const remaining = new Map<string, number>(alerts.map((a) => [a.id, 0]));
    await Promise.all(
      opts.channels.map(async (channel) => {
        const due: Array<{ alert: Alert; prev: Delivery | undefined }> = [];
        for (const a of alerts) {
          const prev = await opts.store.getDelivery(channel.name, a.id);
          if (prev && prev.revision >= a.revision && prev.deliveredAt) continue;
          if (prev?.nextAttemptAt && prev.nextAttemptAt > now()) {
            remaining.set(a.id, (remaining.get(a.id) ?? 0) + 1);
            continue;
          }
          due.push({ alert: a, prev });
        }
        // New alerts (never delivered on this channel) may go as one batch (e.g. a Slack digest).
        const fresh = due.filter((d) => !d.prev?.deliveredAt);
        if (channel.deliverBatch && fresh.length > 1) {
          try {
            const refs = await channel.deliverBatch(fresh.map((d) => views.get(d.alert.id)!));
            for (const d of fresh) {
              const ref = refs.get(d.alert.id);
              if (!ref) continue;
              await record(channel.name, d.alert, d.prev, ref);
              result.delivered++;
              due.splice(due.indexOf(d), 1);
            }
          } catch (err) {
            opts.log.warn({ channel: channel.name, err: (err as Error).message }, 'batch delivery failed; trying one by one');
          }
        }
        for (const d of due) {
          try {
            const ref = await channel.deliver(views.get(d.alert.id)!, d.prev);
            await record(channel.name, d.alert, d.prev, ref);
            result.delivered++;
          } catch (err) {
            result.failed++;
            remaining.set(d.alert.id, (remaining.get(d.alert.id) ?? 0) + 1);
            const attempts = (d.prev?.attempts ?? 0) + 1;
            await opts.store.saveDelivery({
              channel: channel.name,
              alertId: d.alert.id,
              revision: d.prev?.revision ?? 0,
              ref: d.prev?.ref ?? {},
              attempts,
              lastError: (err as Error).message.slice(0, 500),
              nextAttemptAt: now() + Math.min(max, base * 2 ** (attempts - 1)),
              deliveredAt: d.prev?.deliveredAt,
            });
            opts.log.warn({ channel: channel.name, alertId: d.alert.id, attempts, err: (err as Error).message }, 'alert delivery failed; will retry');
          }
        }
      }),
    );
    for (const [id, left] of remaining) if (left === 0) done.add(id);
    if (done.size > 0) await opts.store.removeFromOutbox([...done]);
    result.pending = ids.length - done.size;
    return result;
  }

  async function record(channel: string, alert: Alert, prev: Delivery | undefined, ref: Record<string, string>) {
    await opts.store.saveDelivery({
      channel,
      alertId: alert.id,
      revision: alert.revision,
      ref: { ...(prev?.ref ?? {}), ...ref },
      attempts: 0,
      deliveredAt: now(),
    });
  }

  return { drain };
}
export type Outbox = ReturnType<typeof createOutbox>;
