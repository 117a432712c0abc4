import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/index.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, mergeAlert } from '../../src/store/store.js';
import { tempSqliteUrl } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'a1',
  detection: 'anonymous-ip',
  severity: 'medium',
  title: 't',
  summary: 's',
  actor: { id: 'acct-1', email: 'u@example.com' },
  eventIds: ['e1'],
  count: 1,
  firstSeen: 1000,
  lastSeen: 1000,
  evidence: [{ label: 'IP', value: '185.220.101.47' }],
  facts: {},
  mitre: [],
  status: 'open',
  revision: 1,
  ...over,
});

let redis: RedisServer;
let redisDb = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe.each([
  ['SQLite file', () => tempSqliteUrl()],
  ['Redis server', () => `${redis.url}/${++redisDb}`], // a fresh database per test
])('store on a real %s', (_name, url) => {
  it('keeps alerts, outbox, checkpoint and audit across a reconnect', async () => {
    const u = url();
    const s1 = createStore(await openKV(u));
    await s1.saveAlerts([alert({ id: `x-${u.length}` })]);
    await s1.saveCheckpoint('org', { cursor: 'c1', watermark: 5, engine: { version: 1 }, seen: { e1: 5 }, updatedAt: 9 });
    await s1.appendAudit({ at: 1, alertId: `x-${u.length}`, what: 'suspend', by: 'slack:U1', outcome: 'done', detail: { requestId: 'r-1' } });
    await s1.close();
    const s2 = createStore(await openKV(u));
    expect((await s2.getAlert(`x-${u.length}`))?.evidence[0]?.value).toBe('185.220.101.47');
    expect(await s2.pendingOutbox()).toContain(`x-${u.length}`);
    expect(await s2.getCheckpoint('org')).toEqual({ cursor: 'c1', watermark: 5, engine: { version: 1 }, seen: { e1: 5 }, updatedAt: 9 });
    expect(await s2.listAudit(`x-${u.length}`)).toEqual([{ at: 1, alertId: `x-${u.length}`, what: 'suspend', by: 'slack:U1', outcome: 'done', detail: { requestId: 'r-1' } }]);
    await s2.close();
  });

  it('merges a grown alert, keeps the responder status, and ignores an identical replay', async () => {
    const s = createStore(await openKV(url()));
    await s.saveAlerts([alert()]);
    await s.updateAlert('a1', (a) => ({ ...a, status: 'dismissed' }));
    expect((await s.getAlert('a1'))?.revision).toBe(2);
    await s.removeFromOutbox(['a1']);
    await s.saveAlerts([alert()]); // replay of the same alert: nothing to write or deliver
    expect(await s.pendingOutbox()).toEqual([]);
    await s.saveAlerts([alert({ eventIds: ['e1', 'e2'], count: 2, lastSeen: 2000 })]);
    const a = await s.getAlert('a1');
    expect(a).toMatchObject({ status: 'dismissed', count: 2, lastSeen: 2000, revision: 3, eventIds: ['e1', 'e2'] });
    expect(await s.pendingOutbox()).toEqual(['a1']);
    await s.close();
  });

  it('prunes only alerts older than the retention limit', async () => {
    const s = createStore(await openKV(url()));
    await s.saveAlerts([alert({ id: 'old', lastSeen: 100 }), alert({ id: 'new', lastSeen: 10_000 })]);
    expect(await s.pruneAlerts(5_000)).toBe(1);
    expect(await s.getAlert('old')).toBeUndefined();
    expect(await s.getAlert('new')).toBeDefined();
    expect((await s.listAlertIndex()).map((e) => e.id)).toEqual(['new']);
    await s.close();
  });

  it('reports a corrupt stored value instead of using it', async () => {
    const kv = await openKV(url());
    const s = createStore(kv);
    await kv.set('alert:broken', { id: 'broken', severity: 'apocalyptic' });
    await expect(s.getAlert('broken')).rejects.toThrow(/alert:broken is not valid/);
    await s.close();
  });
});

describe('mergeAlert', () => {
  it('raises severity but never lowers it', () => {
    const high = mergeAlert(alert(), alert({ severity: 'high' }));
    expect(high.severity).toBe('high');
    expect(mergeAlert(high, alert({ severity: 'low', count: 3, lastSeen: 5000 })).severity).toBe('high');
  });
});

describe('openKV', () => {
  it('refuses an unknown URL scheme with a message naming the setting', async () => {
    await expect(openKV('mysql://x')).rejects.toThrow(/VIGIL_STORE_URL/);
  });
  it('fails fast (no hang) when Redis is unreachable, and works again once it is back', async () => {
    const kv = await openKV(`${redis.url}/15`);
    await kv.set('k', 1);
    await redis.stop();
    await expect(kv.set('k', 2)).rejects.toThrow();
    await redis.restart();
    let value: unknown;
    for (let i = 0; i < 50 && value === undefined; i++) {
      value = await kv.get('k2').then(() => 'reachable').catch(() => undefined);
      if (value === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toBe('reachable');
    await kv.close();
  });
});
