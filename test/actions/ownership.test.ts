import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnership, decideOwnership, ownerText } from '../../src/actions/ownership.js';
import type { Alert, Responder } from '../../src/domain/index.js';
import { createLogger } from '../../src/log.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { makeAlert } from '../fixtures/alert.js';
import { tempSqliteUrl } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const alice: Responder = { platform: 'slack', id: 'UALICE', name: 'alice' };
const bob: Responder = { platform: 'slack', id: 'UBOB', name: 'bob' };
const carol: Responder = { platform: 'teams', id: '29:carol', name: 'Carol', entraId: '11111111-2222-3333-4444-555555555555' };
const T = Date.UTC(2026, 11, 2, 9, 0);
const log = createLogger('silent');

const req = (kind: 'acknowledge' | 'assign', by: Responder, to?: Responder) => ({ alertId: 'al-1', kind, by, ...(to ? { to } : {}), requestedAt: T });

describe('decideOwnership (the rule)', () => {
  const open: Alert = makeAlert({ id: 'al-1', status: 'open' });

  it('acknowledge takes an open alert for the clicker and moves it to acknowledged', () => {
    const d = decideOwnership(open, req('acknowledge', alice), T);
    expect(d.status).toBe('done');
    if (d.status !== 'done') return;
    expect(d.next.status).toBe('acknowledged');
    expect(d.next.owner).toEqual({ who: alice, at: T });
  });

  it('a second acknowledge by the owner is a repeat; by someone else it is refused, naming the owner', () => {
    const owned: Alert = { ...open, status: 'acknowledged', owner: { who: alice, at: T } };
    expect(decideOwnership(owned, req('acknowledge', alice), T + 1).status).toBe('repeat');
    const other = decideOwnership(owned, req('acknowledge', bob), T + 1);
    expect(other.status).toBe('refused');
    expect(other.status !== 'done' && other.message).toContain('Acknowledged by alice');
  });

  it('assign hands the alert to another responder and says who assigned it; assigning to the owner again is a repeat', () => {
    const owned: Alert = { ...open, status: 'acknowledged', owner: { who: alice, at: T } };
    const d = decideOwnership(owned, req('assign', alice, carol), T + 5);
    expect(d.status).toBe('done');
    if (d.status !== 'done') return;
    expect(d.next.owner).toEqual({ who: carol, at: T + 5, assignedBy: alice });
    expect(ownerText(d.next.owner!)).toBe('Assigned to Carol by alice');
    expect(decideOwnership(d.next, req('assign', bob, carol), T + 6).status).toBe('repeat');
    expect(decideOwnership(open, req('assign', alice), T).status).toBe('refused');
  });

  it('a resolved or dismissed alert cannot be owned', () => {
    for (const status of ['actioned', 'dismissed'] as const) {
      const d = decideOwnership({ ...open, status }, req('acknowledge', alice), T);
      expect(d.status).toBe('refused');
    }
  });

  it('keeps an in-progress status (a click being worked on) and only moves open to acknowledged', () => {
    const d = decideOwnership({ ...open, status: 'in-progress' }, req('acknowledge', alice), T);
    expect(d.status === 'done' && d.next.status).toBe('in-progress');
  });
});

describe('ownership on a real Redis shared by two replicas', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('two responders acknowledging at once on two replicas: exactly one owns it; every request is audited', async () => {
    const a = createStore(await openKV(`${redis.url}/3`));
    const b = createStore(await openKV(`${redis.url}/3`));
    await a.saveAlerts([makeAlert({ id: 'al-1', status: 'open', severity: 'high' })]);
    const first = createOwnership({ store: a, log, now: () => T });
    const second = createOwnership({ store: b, log, now: () => T });
    const results = await Promise.all([first.take(req('acknowledge', alice)), second.take(req('acknowledge', bob))]);
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'refused']);
    const winner = results.find((r) => r.status === 'done')!;
    const stored = (await a.getAlert('al-1'))!;
    expect(stored.status).toBe('acknowledged');
    expect(stored.owner?.who.id).toBe(winner.alert!.owner!.who.id);
    const audit = await b.listAudit('al-1');
    expect(audit.map((l) => [l.what, l.outcome]).sort()).toEqual([
      ['acknowledge', 'done'],
      ['acknowledge', 'refused'],
    ]);
    // The change was queued for every channel to redraw the card.
    expect(await a.pendingOutbox()).toContain('al-1');
  });

});

describe('ownership on the default store (a SQLite file)', () => {
  it('a repeat writes nothing to the alert (no new revision, no card redraw)', async () => {
    const store = createStore(await openKV(tempSqliteUrl()));
    await store.saveAlerts([makeAlert({ id: 'al-1', status: 'open' })]);
    const own = createOwnership({ store, log, now: () => T });
    expect((await own.take(req('acknowledge', alice))).status).toBe('done');
    const rev = (await store.getAlert('al-1'))!.revision;
    await store.removeFromOutbox(['al-1']);
    expect((await own.take(req('acknowledge', alice))).status).toBe('repeat');
    expect((await store.getAlert('al-1'))!.revision).toBe(rev);
    expect(await store.pendingOutbox()).not.toContain('al-1');
  });

  it('an alert that does not exist is refused', async () => {
    const store = createStore(await openKV(tempSqliteUrl()));
    const r = await createOwnership({ store, log }).take(req('acknowledge', alice));
    expect(r.status).toBe('refused');
    expect(r.message).toContain('does not exist');
  });
});
