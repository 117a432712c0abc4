import type { Alert, AlertChannel, AlertView } from '../domain/index.js';
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
}

export interface DrainResult {
  delivered: number;
  failed: number;
  pending: number;
}

/**
 * Drain the outbox: every channel independently receives every alert revision it has not yet delivered.
 * A channel that fails is retried later with backoff and never blocks the other channels; `drain(["slack"])`
 * drains one channel only, so the composition root can run each channel on its own schedule and lock.
 *
 * Exactly-once per channel: a first post is preceded by an intent record. If a crash falls between the
 * platform accepting the post and the reference being saved, the next drain finds the intent without a
 * reference and asks the channel to `recover` the post (Slack looks the card up in the channel history);
 * a channel without `recover` posts again (at-least-once) and the duplicate is logged.
 */
export function createOutbox(opts: OutboxOptions) {
  const now = opts.now ?? Date.now;
  const base = opts.retryBaseMs ?? 5_000;
  const max = opts.retryMaxMs ?? 15 * 60_000;

  async function drain(only?: readonly string[]): Promise<DrainResult> {
    const result: DrainResult = { delivered: 0, failed: 0, pending: 0 };
    const ids = await opts.store.pendingOutbox();
    if (ids.length === 0) return result;
    const alerts = (await Promise.all(ids.map((id) => opts.store.getAlert(id)))).filter((a): a is Alert => a !== undefined);
    const views = new Map<string, Promise<AlertView>>();
    const viewOf = (a: Alert) => {
      let v = views.get(a.id);
      if (!v) views.set(a.id, (v = opts.store.alertView(a, opts.dryRun)));
      return v;
    };
    const selected = only ? opts.channels.filter((c) => only.includes(c.name)) : opts.channels;

    await Promise.all(
      selected.map(async (channel) => {
        const due: Array<{ alert: Alert; prev: Delivery | undefined }> = [];
        for (const a of alerts) {
          const prev = await opts.store.getDelivery(channel.name, a.id);
          if (prev && prev.revision >= a.revision && prev.deliveredAt) continue;
          if (prev?.nextAttemptAt && prev.nextAttemptAt > now()) continue;
          due.push({ alert: a, prev });
        }
        // An earlier attempt may have posted before a crash: look it up before posting again.
        for (const d of [...due]) {
          if (d.prev?.deliveredAt || d.prev?.intentAt === undefined) continue;
          const ref = await recover(channel, await viewOf(d.alert), d.prev);
          if (!ref) continue;
          await record(channel.name, d.alert, d.prev, ref);
          result.delivered++;
          due.splice(due.indexOf(d), 1);
        }
        // New alerts (never delivered, no earlier attempt) may go as one batch (e.g. a Slack digest).
        const fresh = due.filter((d) => !d.prev?.deliveredAt && d.prev?.intentAt === undefined);
        if (channel.deliverBatch && fresh.length > 1) {
          try {
            for (const d of fresh) d.prev = await intent(channel.name, d.alert, d.prev);
            const refs = await channel.deliverBatch(await Promise.all(fresh.map((d) => viewOf(d.alert))));
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
            if (!d.prev?.deliveredAt && d.prev?.intentAt === undefined) d.prev = await intent(channel.name, d.alert, d.prev);
            const ref = await channel.deliver(await viewOf(d.alert), d.prev);
            await record(channel.name, d.alert, d.prev, ref);
            result.delivered++;
          } catch (err) {
            result.failed++;
            const attempts = (d.prev?.attempts ?? 0) + 1;
            await opts.store
              .saveDelivery({
                channel: channel.name,
                alertId: d.alert.id,
                revision: d.prev?.revision ?? 0,
                ref: d.prev?.ref ?? {},
                attempts,
                lastError: (err as Error).message.slice(0, 500),
                nextAttemptAt: now() + Math.min(max, base * 2 ** (attempts - 1)),
                deliveredAt: d.prev?.deliveredAt,
                intentAt: d.prev?.intentAt,
              })
              .catch((e: Error) => opts.log.warn({ channel: channel.name, err: e.message }, 'could not record a failed delivery'));
            opts.log.warn({ channel: channel.name, alertId: d.alert.id, attempts, err: (err as Error).message }, 'alert delivery failed; will retry');
          }
        }
      }),
    );

    // An alert leaves the outbox once every channel (not only the drained ones) has its current revision.
    const done = new Set(ids.filter((id) => !alerts.some((a) => a.id === id)));
    const delivered = new Map<string, number>();
    for (const a of alerts) {
      const records = await Promise.all(opts.channels.map((c) => opts.store.getDelivery(c.name, a.id)));
      if (records.every((r) => r?.deliveredAt !== undefined && r.revision >= a.revision)) {
        done.add(a.id);
        delivered.set(a.id, a.revision);
      }
    }
    if (done.size > 0) await opts.store.removeFromOutbox([...done], delivered);
    // What is still owed of what this drain looked at (an alert changed meanwhile stays queued).
    const left = new Set(await opts.store.pendingOutbox());
    result.pending = ids.filter((id) => left.has(id)).length;
    return result;
  }

  async function recover(channel: AlertChannel, view: AlertView, prev: Delivery): Promise<Record<string, string> | undefined> {
    if (!channel.recover) {
      opts.log.warn({ channel: channel.name, alertId: view.alert.id }, 'an earlier delivery attempt may have posted this alert before a crash; posting again');
      return undefined;
    }
    try {
      const ref = await channel.recover(view, prev);
      if (ref) opts.log.info({ channel: channel.name, alertId: view.alert.id }, 'found the post an interrupted delivery made; not posting again');
      return ref;
    } catch (err) {
      // Unknown whether it was posted: prefer a possible duplicate to a lost alert.
      opts.log.warn({ channel: channel.name, alertId: view.alert.id, err: (err as Error).message }, 'could not check for an earlier post; posting again');
      return undefined;
    }
  }

  /** The intent record written right before a first post. */
  async function intent(channel: string, alert: Alert, prev: Delivery | undefined): Promise<Delivery> {
    const d: Delivery = { channel, alertId: alert.id, revision: prev?.revision ?? 0, ref: prev?.ref ?? {}, attempts: prev?.attempts ?? 0, intentAt: now() };
    await opts.store.saveDelivery(d);
    return d;
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
