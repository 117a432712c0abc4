import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnership } from '../../src/actions/ownership.js';
import type { EscalationPolicy } from '../../src/domain/index.js';
import { createLogger } from '../../src/log.js';
import { createEscalations } from '../../src/runtime/escalations.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { makeAlert } from '../fixtures/alert.js';
import { tempSqliteUrl } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const T = Date.UTC(2026, 11, 2, 9, 0);
const MIN = 60_000;
const policy: EscalationPolicy = { ackTimeoutMs: 15 * MIN, escalateAfterMs: 15 * MIN, minSeverity: 'high' };
const log = createLogger('silent');

/** A store whose alerts are stamped as raised at T (createdAt comes from the store's clock). */
async function seeded(url: string): Promise<Store> {
  const store = createStore(await openKV(url), { now: () => T });
  await store.saveAlerts([
    makeAlert({ id: 'al-high', severity: 'high', status: 'open' }),
    makeAlert({ id: 'al-medium', severity: 'medium', status: 'open' }),
    makeAlert({ id: 'al-acked', severity: 'critical', status: 'open' }),
  ]);
  await store.removeFromOutbox(['al-high', 'al-medium', 'al-acked']);
  return store;
}
const job = (store: Store, at: number, onChange?: () => void) => createEscalations({ store, log, policy, now: () => at, ...(onChange ? { onChange } : {}) });

describe('reminders on the default store (a SQLite file), across a restart', () => {
  it('each level is reached once per alert; a restarted process does not remind again; acknowledged alerts never', async () => {
    const url = tempSqliteUrl();
    const store = await seeded(url);
    await createOwnership({ store, log, now: () => T + 10 * MIN }).take({ alertId: 'al-acked', kind: 'acknowledge', by: { platform: 'slack', id: 'U0ALICE' }, requestedAt: T + 10 * MIN });
    await store.removeFromOutbox(['al-acked']);
    let drains = 0;
    expect(await job(store, T + 14 * MIN)()).toBe(0);
    expect(await job(store, T + 16 * MIN, () => drains++)()).toBe(1);
    expect(drains).toBe(1);
    expect((await store.getAlert('al-high'))!.escalation).toEqual({ level: 1, remindedAt: T + 16 * MIN });
    expect(await store.pendingOutbox()).toEqual(['al-high']);
    expect(await job(store, T + 17 * MIN)()).toBe(0);
    await store.close();

    // A new process on the same file: the reminder is not sent again; the escalation comes once, on time.
    const again = createStore(await openKV(url));
    expect(await job(again, T + 20 * MIN)()).toBe(0);
    expect(await job(again, T + 31 * MIN)()).toBe(1);
    expect((await again.getAlert('al-high'))!.escalation).toEqual({ level: 2, remindedAt: T + 16 * MIN, escalatedAt: T + 31 * MIN });
    expect(await job(again, T + 90 * MIN)()).toBe(0);
    expect((await again.getAlert('al-medium'))!.escalation).toBeUndefined();
    expect((await again.getAlert('al-acked'))!.escalation).toBeUndefined();
    await again.close();
  });
});

describe('reminders with two replicas on one Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('two replicas checking at the same moment raise each level once per alert (a high and a critical one are due)', async () => {
    const a = await seeded(`${redis.url}/4`);
    const b = createStore(await openKV(`${redis.url}/4`));
    const first = await Promise.all([job(a, T + 16 * MIN)(), job(b, T + 16 * MIN)()]);
    expect(first.reduce((x, y) => x + y)).toBe(2);
    const second = await Promise.all([job(a, T + 40 * MIN)(), job(b, T + 40 * MIN)(), job(a, T + 41 * MIN)()]);
    expect(second.reduce((x, y) => x + y)).toBe(2);
    for (const id of ['al-high', 'al-acked']) {
      const alert = (await b.getAlert(id))!;
      expect(alert.escalation?.level).toBe(2);
      // Two levels, two revisions: the card was redrawn once per level, never more.
      expect(alert.revision).toBe(3);
    }
    expect((await b.getAlert('al-medium'))!.escalation).toBeUndefined();
    await a.close();
    await b.close();
  });
});
