// The store on a real PostgreSQL server (test/helpers/postgres.ts): every kind of record through openKV +
// createStore, durability across a server crash (kill -9, WAL recovery), and a real `vigil sweep --once`
// killed at random points — and the database server killed mid-sweep — losing no event and raising no alert twice.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/index.js';
import { keys } from '../../src/store/keys.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { cardReport, serveEnv } from '../e2e/serve.js';
import { torAlert } from '../fixtures/alert.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server.close();
});

async function open(url: string): Promise<Store> {
  return createStore(await openKV(url));
}

describe('the store on a real PostgreSQL server', () => {
  it('keeps checkpoint, alerts, outbox, deliveries, audit and action outcomes across a reconnect', async () => {
    const url = await server.database();
    const s1 = await open(url);
    expect(s1.kind).toBe('postgres');
    expect(s1.locks.backend.distributed).toBe(true); // replicas on one database coordinate (src/store/pg-locks.ts)
    const a = torAlert(1, 'pg1@example.com', 'pg');
    await s1.saveAlerts([a, torAlert(2, 'pg2@example.com', 'pg')]);
    await s1.saveCheckpoint('org', { cursor: 'c:1', watermark: 5, engine: { version: 1, note: ':colon' }, seen: { e1: 5 }, updatedAt: 9 });
    await s1.saveDelivery({ channel: 'slack', alertId: a.id, revision: 1, ref: { ts: '1700000000.000100', channel: 'C0ALERTS' }, attempts: 1, deliveredAt: 7 });
    await s1.appendAudit({ at: 1, alertId: a.id, what: 'suspend', by: 'slack:U1', outcome: 'done', detail: { requestId: 'r-1' } });
    await s1.saveActionOutcome({ alertId: a.id, kind: 'suspend', status: 'done', message: 'suspended', at: 2, by: { platform: 'slack', id: 'U1' }, requestIds: ['r-1'], warnings: [] });
    await s1.removeFromOutbox([`pg-2`]);
    await s1.close();

    const s2 = await open(url);
    expect(await s2.getCheckpoint('org')).toEqual({ cursor: 'c:1', watermark: 5, engine: { version: 1, note: ':colon' }, seen: { e1: 5 }, updatedAt: 9 });
    expect((await s2.getAlert(a.id))?.actor.email).toBe('pg1@example.com');
    expect((await s2.listAlertIndex()).map((e) => e.id).sort()).toEqual(['pg-1', 'pg-2']);
    expect(await s2.pendingOutbox()).toEqual(['pg-1']);
    expect(await s2.getDelivery('slack', a.id)).toMatchObject({ revision: 1, ref: { ts: '1700000000.000100' }, deliveredAt: 7 });
    expect(await s2.listAudit(a.id)).toEqual([{ at: 1, alertId: a.id, what: 'suspend', by: 'slack:U1', outcome: 'done', detail: { requestId: 'r-1' } }]);
    expect(await s2.getActionOutcome(a.id, 'suspend')).toMatchObject({ status: 'done' });
    const updated = await s2.updateAlert(a.id, (x: Alert) => ({ ...x, status: 'dismissed' }));
    expect(updated?.revision).toBe(2);
    expect(await s2.pendingOutbox()).toEqual(['pg-1']);
    await s2.close();
  });

  it('stores keys holding a NUL byte (keyed detection slots such as password-spray per IP)', async () => {
    const kv = await openKV(await server.database());
    const slot = keys.engineKeyed('org', 'password-spray\u0000203.0.113.7');
    const other = keys.engineKeyed('org', 'password-spray\u0000203.0.113.8');
    await kv.write([
      { key: slot, value: { s: { fails: [1] } } },
      { key: other, value: 'x' },
    ]);
    expect(await kv.getMany([slot, other])).toEqual([{ s: { fails: [1] } }, 'x']);
    await kv.write([{ key: slot, delete: true }]);
    expect(await kv.getMany([slot, other])).toEqual([undefined, 'x']);
    await kv.close();
  });

  it('keeps every committed write through a server crash (kill -9), fails fast while it is down, and recovers', async () => {
    const url = await server.database();
    const s = await open(url);
    await s.saveAlerts(Array.from({ length: 20 }, (_, i) => torAlert(i, `crash${i}@example.com`, 'kc')));
    await s.saveCheckpoint('org', { cursor: 'before-crash', seen: {}, updatedAt: 1 });
    await server.kill(); // no shutdown checkpoint: what was committed must come back from the WAL
    const down = await Promise.race([
      s.saveCheckpoint('org', { cursor: 'while-down', seen: {}, updatedAt: 2 }).then(
        () => 'written',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('hung'), 15_000)),
    ]);
    expect(down).toBe('failed');
    await server.restart();
    let cp: unknown;
    for (let i = 0; i < 50 && cp === undefined; i++) {
      cp = await s.getCheckpoint('org').catch(() => undefined); // the same store reconnects by itself
      if (cp === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(cp).toMatchObject({ cursor: 'before-crash' });
    expect((await s.pendingOutbox()).length).toBe(20);
    await s.close();
    const fresh = await open(url);
    expect((await fresh.listAlertIndex()).length).toBe(20);
    await fresh.close();
  }, 60_000);
});

describe('a real `vigil sweep --once` on PostgreSQL', () => {
  let fake: FakeAtlassian;
  let slack: FakeSlack;
  const T0 = Date.UTC(2026, 10, 1, 9);
  beforeAll(async () => {
    fake = await startFakeAtlassian();
    slack = await startFakeSlack();
    // 36 events in pages of 5; every 7th (from the 4th) a Tor sign-in by one of three users: t0 and t1 twice
    // (on pages far apart, so their alert grows once), t2 once.
    for (let i = 0; i < 36; i++) {
      const tor = i % 7 === 3;
      const who = tor ? `acct-t${Math.floor(i / 7) % 3}` : 'acct-alice';
      fake.events.push(rawEvent({ id: `pg-e${i}`, time: T0 + i * 60_000, actorId: who, email: `${who}@example.com`, ip: tor ? TOR_IP : '203.0.113.7' }));
    }
  });
  afterAll(async () => {
    await slack.close();
    await fake.close();
  });

// Random kill points against real processes: one retry when a run misses its timing (a lost or doubled card fails both).
  it('survives SIGKILL of the sweep and a crash of the database server: every event once, each alert once', { timeout: 150_000, retry: 1 }, async () => {
    const storeUrl = await server.database();
    const env = serveEnv({ storeUrl, atlassian: fake, slack, extra: { LOG_LEVEL: 'warn' } });
    const sweep = (onPage?: (page: number, child: ReturnType<typeof spawn>) => void) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', '--once'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        child.stderr!.resume();
        let page = 0; // the fake counts pages over its lifetime; count this sweep's own
        fake.onPage = () => onPage?.(++page, child);
        // A sweep that died (or lost its database) leaves its lease behind: the next one waits for it to expire.
        child.on('exit', (code) => (code === 0 ? resolve(code) : setTimeout(() => resolve(code), 1_500)));
      });
    // The database server itself crashes mid-sweep: that sweep fails (or dies), nothing committed is lost.
    let crashed = false;
    await sweep((page) => {
      if (page === 3 && !crashed) {
        crashed = true;
        void server.kill();
      }
    });
    expect(crashed).toBe(true);
    await server.restart();
    const codes: Array<number | null> = [];
    for (let i = 0; i < 3; i++) {
      const killAt = 1 + Math.floor(Math.random() * 2); // a page every remaining sweep reaches
      codes.push(await sweep((page, child) => page === killAt && setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 15))));
    }
    expect(codes).toContain(null); // at least one sweep really died mid-way
    expect(await sweep()).toBe(0);

    const store = await open(storeUrl);
    const index = await store.listAlertIndex();
    const alerts = await Promise.all(index.map((e) => store.getAlert(e.id)));
    const byActor = alerts.filter((a) => a!.detection === 'anonymous-ip').map((a) => [a!.actor.id, a!.count]);
    expect(byActor.sort()).toEqual([
      ['acct-t0', 2],
      ['acct-t1', 2],
      ['acct-t2', 1],
    ]);
    expect(cardReport(slack, alerts as Alert[])).toMatchObject({ duplicates: [], missing: [], unknown: [] }); // each card posted once
    const ids = fake.events.map((e) => e.id as string);
    expect((await store.seenAmong(fake.orgId, ids)).sort()).toEqual([...ids].sort());
    await store.close();
  });
});
