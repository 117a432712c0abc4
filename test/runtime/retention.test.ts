import { describe, expect, it } from 'vitest';
import { pruneHistory } from '../../src/runtime/retention.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { DANA_T0 as T0, makeAlert, makeOutcome } from '../fixtures/alert.js';

const DAY = 86_400_000;

describe('alert retention', () => {
  it('removes only alerts (and their actions, audit and deliveries) older than the limit', async () => {
    const store = createStore(createMemoryKV());
    const now = T0;
    const cutoff = now - 180 * DAY;
    await store.saveAlerts([
      makeAlert({ id: 'too-old', firstSeen: cutoff - 10 * DAY, lastSeen: cutoff - 1 }),
      makeAlert({ id: 'at-limit', firstSeen: cutoff - 10 * DAY, lastSeen: cutoff }),
      makeAlert({ id: 'recent', firstSeen: now - DAY, lastSeen: now - DAY }),
      // Started long ago but still active: it is kept (retention counts from the last activity).
      makeAlert({ id: 'long-running', firstSeen: cutoff - 50 * DAY, lastSeen: now - DAY }),
    ]);
    for (const id of ['too-old', 'at-limit']) {
      await store.saveActionOutcome(makeOutcome({ alertId: id }));
      await store.appendAudit({ at: cutoff - 1, alertId: id, what: 'suspend', by: 'slack:U1', outcome: 'done', detail: {} });
      await store.saveDelivery({ channel: 'slack', alertId: id, revision: 1, ref: { ts: '1.1' }, attempts: 0, deliveredAt: cutoff - 1 });
    }

    const r = await pruneHistory({ store, days: 180, channels: ['slack', 'jira'], now });
    expect(r).toEqual({ removed: 1, cutoff, expired: 0 });
    expect((await store.listAlertIndex()).map((e) => e.id).sort()).toEqual(['at-limit', 'long-running', 'recent']);
    expect(await store.getAlert('too-old')).toBeUndefined();
    expect(await store.getActionOutcome('too-old', 'suspend')).toBeUndefined();
    expect(await store.listAudit('too-old')).toEqual([]);
    expect(await store.getDelivery('slack', 'too-old')).toBeUndefined();

    // What is kept is untouched.
    expect(await store.getAlert('at-limit')).toBeDefined();
    expect(await store.getActionOutcome('at-limit', 'suspend')).toBeDefined();
    expect(await store.listAudit('at-limit')).toHaveLength(1);
    expect(await store.getDelivery('slack', 'at-limit')).toBeDefined();

    // Idempotent: a second run removes nothing more.
    expect((await pruneHistory({ store, days: 180, channels: ['slack'], now })).removed).toBe(0);
  });

  it('a longer retention keeps more, and a nonsensical one is refused', async () => {
    const store = createStore(createMemoryKV());
    await store.saveAlerts([makeAlert({ id: 'a', firstSeen: T0 - 400 * DAY, lastSeen: T0 - 400 * DAY })]);
    expect((await pruneHistory({ store, days: 730, now: T0 })).removed).toBe(0);
    expect((await pruneHistory({ store, days: 365, now: T0 })).removed).toBe(1);
    await expect(pruneHistory({ store, days: 0, now: T0 })).rejects.toThrow(/at least 1/);
  });
});
