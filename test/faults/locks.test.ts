// Store locks on a real redis-server and a real PostgreSQL server (src/store/pg-locks.ts): mutual exclusion between two connections (two "replicas"), expiry,
// renewal, fencing, the cron slot coordinator, and the store's shared lists under concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunCoordinator } from '../../src/pipeline/lock.js';
import { openKV, type KV } from '../../src/store/kv.js';
import { createLocalLockBackend, createLocks, LockError } from '../../src/store/locks.js';
import { createStore } from '../../src/store/store.js';
import type { Alert } from '../../src/domain/index.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

let redis: RedisServer;
let postgres: PostgresServer;
const opened: KV[] = [];
beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
});
afterAll(async () => {
  for (const kv of opened) await kv.close();
  await redis.stop();
  await postgres.close();
});
/** One "replica": its own connection to the shared server. */
function replicaOn(url: () => string) {
  return async () => {
    const kv = await openKV(url());
    opened.push(kv);
    return kv;
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alert(id: string): Alert {
  return {
    id,
    detection: 'anonymous-ip',
    severity: 'high',
    title: id,
    summary: id,
    actor: { id: `acct-${id}` },
    eventIds: [`e-${id}`],
    count: 1,
    firstSeen: 1,
    lastSeen: 1,
    evidence: [],
    facts: {},
    runbook: '',
    mitre: [],
    status: 'open',
    revision: 1,
  } as Alert;
}

describe.each([
  ['Redis', () => redis.url],
  ['PostgreSQL', () => postgres.url],
])('store locks on %s', (_name, url) => {
  const replica = replicaOn(url);
  it('one holder at a time across two connections; only the holder releases; a new holder gets a higher fence', async () => {
    const a = createLocks((await replica()).locks!);
    const b = createLocks((await replica()).locks!);
    expect(a.backend.distributed).toBe(true);
    const leaseA = await a.tryAcquire('t1', 5_000);
    expect(leaseA).toBeDefined();
    expect(await b.tryAcquire('t1', 5_000)).toBeUndefined();
    await b.backend.release('lock:t1', 'not-the-holder');
    expect(await b.tryAcquire('t1', 5_000)).toBeUndefined();
    await leaseA!.assertHeld();
    await leaseA!.release();
    const leaseB = await b.tryAcquire('t1', 5_000);
    expect(leaseB!.fence).toBeGreaterThan(leaseA!.fence);
    await leaseB!.release();
  });

  it('of ten replicas racing for a free lock exactly one wins, and each later holder gets a higher fence', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, async () => createLocks((await replica()).locks!)));
    const leases = await Promise.all(all.map((l) => l.tryAcquire('race', 5_000)));
    const winners = leases.filter((l) => l !== undefined);
    expect(winners).toHaveLength(1);
    const fences = [winners[0]!.fence];
    await winners[0]!.release();
    for (const l of all.slice(0, 3)) {
      const lease = (await l.tryAcquire('race', 5_000))!;
      fences.push(lease.fence);
      await lease.release();
    }
    expect([...fences].sort((a, b) => a - b)).toEqual(fences);
    expect(new Set(fences).size).toBe(4);
  });

  it('an expired lease is taken over, and the old holder fails its pre-commit check (fencing)', async () => {
    const a = createLocks((await replica()).locks!);
    const b = createLocks((await replica()).locks!);
    const leaseA = await a.tryAcquire('t2', 300);
    // Simulate a stalled holder: its renewal stops (as if the process were paused past the expiry).
    await a.backend.release('lock:t2', leaseA!.token);
    const leaseB = await b.acquire('t2', { ttlMs: 5_000, waitMs: 2_000 });
    await expect(leaseA!.assertHeld()).rejects.toMatchObject({ code: 'lock_lost' });
    await leaseB.assertHeld();
    await leaseB.release();
    await leaseA!.release(); // not the holder any more: must not delete B's (already released) or anyone's lock
  });

  it('a held lease is renewed past its expiry while the work runs', async () => {
    const a = createLocks((await replica()).locks!);
    const b = createLocks((await replica()).locks!);
    const lease = await a.tryAcquire('t3', 300);
    await sleep(1_000); // three expiries: only renewal keeps it
    expect(await b.tryAcquire('t3', 300)).toBeUndefined();
    await lease!.assertHeld();
    await lease!.release();
    expect(await b.tryAcquire('t3', 300)).toBeDefined();
  });

  it('acquire gives up with a clear error when the lock stays busy', async () => {
    const a = createLocks((await replica()).locks!);
    const b = createLocks((await replica()).locks!);
    const lease = await a.tryAcquire('t4', 10_000);
    const err = await b.acquire('t4', { waitMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).message).toContain('"t4" lock stayed busy');
    await lease!.release();
  });

  it('the cron coordinator elects exactly one of three replicas per slot', async () => {
    const coords = await Promise.all([1, 2, 3].map(async () => createRunCoordinator(createLocks((await replica()).locks!))));
    for (const slot of ['sweep:2026-11-21T10:00:00.000Z', 'sweep:2026-11-21T10:00:01.000Z']) {
      const votes = await Promise.all(coords.map((c) => c.shouldRun(slot, 5_000)));
      expect(votes.filter(Boolean)).toHaveLength(1);
    }
  });

  it('two stores on one server never lose an outbox entry under concurrent writers (the store lock)', async () => {
    const s1 = createStore(await replica());
    const s2 = createStore(await replica());
    const ids = Array.from({ length: 40 }, (_, i) => `al-${i}`);
    // Replica 1 raises half, replica 2 the other half, while replica 2 also drains (removes) some others.
    await s1.saveAlerts([alert('gone-1'), alert('gone-2')]);
    await Promise.all([
      ...ids.filter((_, i) => i % 2 === 0).map((id) => s1.saveAlerts([alert(id)])),
      ...ids.filter((_, i) => i % 2 === 1).map((id) => s2.saveAlerts([alert(id)])),
      s2.removeFromOutbox(['gone-1']),
      s1.removeFromOutbox(['gone-2']),
    ]);
    const pending = (await s1.pendingOutbox()).sort();
    expect(pending).toEqual([...ids].sort());
    expect((await s2.listAlertIndex()).map((e) => e.id).sort()).toEqual(['gone-1', 'gone-2', ...ids].sort());
  });

  it('an alert that gained a revision during a drain stays queued', async () => {
    const s = createStore(await replica());
    await s.saveAlerts([alert('rev-1')]);
    await s.updateAlert('rev-1', (a) => ({ ...a, status: 'dismissed' })); // now revision 2
    await s.removeFromOutbox(['rev-1'], new Map([['rev-1', 1]])); // the drain delivered revision 1
    expect(await s.pendingOutbox()).toContain('rev-1');
    await s.removeFromOutbox(['rev-1'], new Map([['rev-1', 2]]));
    expect(await s.pendingOutbox()).not.toContain('rev-1');
  });
});

describe('the in-process backend (SQLite, memory)', () => {
  it('has the same expiry and compare-and-release semantics', async () => {
    let t = 0;
    const b = createLocalLockBackend(() => t);
    expect(await b.acquire('k', 'a', 100)).toBe(true);
    expect(await b.acquire('k', 'b', 100)).toBe(false);
    expect(await b.extend('k', 'b', 100)).toBe(false);
    await b.release('k', 'b');
    expect(await b.holder('k')).toBe('a');
    t = 150;
    expect(await b.acquire('k', 'b', 100)).toBe(true);
    expect(await b.extend('k', 'a', 100)).toBe(false);
    expect(await b.nextFence('k')).toBeLessThan(await b.nextFence('k'));
  });
});
