// A kill -9 at ANY point of a sweep — before any of its durable writes, including between two writes of one
// batch — loses no event, counts no event twice and raises no alert twice. The real `vigil sweep --once`
// process kills itself right before its N-th write (VIGIL_FAULT_KILL_AT_WRITE, src/store/kv.ts), for every N
// until a run finishes without reaching N; after each kill a normal sweep resumes. On SQLite and on Redis.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

const T0 = Date.UTC(2026, 10, 1, 9);
const ACTORS = ['acct-a', 'acct-b', 'acct-alice'];
let fake: FakeAtlassian;
let redis: RedisServer;
let dir: string;

beforeAll(async () => {
  fake = await startFakeAtlassian();
  // 12 events, 3 pages of 4: acct-a on Tor on pages 1 and 3 (its alert must grow, not double), acct-b on page 2.
  for (let i = 0; i < 12; i++) {
    const who = i === 1 || i === 10 ? 'acct-a' : i === 6 ? 'acct-b' : 'acct-alice';
    fake.events.push(rawEvent({ id: `e${i}`, time: T0 + i * 60_000, actorId: who, email: `${who}@example.com`, ip: who === 'acct-alice' ? '203.0.113.7' : TOR_IP }));
  }
  redis = await startRedis();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-killw-'));
  writeFileSync(path.join(dir, 'tor.txt'), `${TOR_IP}\n`);
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await redis?.stop();
});

let lastStderr = '';
function sweep(storeUrl: string, killAt?: number): Promise<number | null> {
  const env = {
    ...process.env,
    ATLASSIAN_ORG_ID: fake.orgId,
    ATLASSIAN_API_KEY: fake.apiKey,
    ATLASSIAN_API_BASE_URL: fake.url,
    ATLASSIAN_PAGE_LIMIT: '4',
    VIGIL_BACKFILL: '3650d',
    VIGIL_LEARN: 'off',
    VIGIL_STORE_URL: storeUrl,
    VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'),
    LOG_LEVEL: 'error',
    VIGIL_LOCK_LEASE: '1s',
    ...(killAt ? { VIGIL_FAULT_KILL_AT_WRITE: String(killAt) } : {}),
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', '--once'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (err += d.toString()));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      lastStderr = err;
      resolve(code);
    });
  });
}

/** Everything a kill could double or lose: alerts (count, events, revision), the outbox, seen ids, detection state. */
async function snapshot(store: Store) {
  const index = await store.listAlertIndex();
  const alerts = await Promise.all(index.map((e) => store.getAlert(e.id)));
  const ids = fake.events.map((e) => e.id as string);
  const state = await store.loadStateRecords(fake.orgId, ACTORS, []);
  return {
    alerts: alerts.map((a) => ({ id: a!.id, actor: a!.actor.id, count: a!.count, eventIds: a!.eventIds, revision: a!.revision })).sort((x, y) => x.actor.localeCompare(y.actor)),
    outbox: (await store.pendingOutbox()).sort(),
    seen: (await store.seenAmong(fake.orgId, ids)).sort(),
    checkpoint: (({ cursor, watermark }) => ({ cursor, watermark }))((await store.getCheckpoint(fake.orgId))!),
    actors: JSON.stringify(Object.fromEntries(state.actors)),
    org: JSON.stringify(state.org),
  };
}

async function killAtEveryWrite(newStoreUrl: () => Promise<string>, leaseMs = 0) {
  const cleanUrl = await newStoreUrl();
  expect(await sweep(cleanUrl), lastStderr).toBe(0);
  const clean = createStore(await openKV(cleanUrl));
  const expected = await snapshot(clean);
  await clean.close();
  expect(expected.alerts.map((a) => [a.actor, a.count])).toEqual([
    ['acct-a', 2],
    ['acct-b', 1],
  ]);
  expect(expected.seen).toHaveLength(12);

  let killed = 0;
  for (let n = 1; n < 200; n++) {
    const url = await newStoreUrl();
    const code = await sweep(url, n);
    if (code === 0) break; // this run made fewer than n writes: every write has had a kill before it
    expect(code).toBeNull(); // died by the signal
    killed++;
    // On Redis the killed process's sweep lock stays until its lease runs out (another replica would wait too).
    if (leaseMs) await new Promise((r) => setTimeout(r, leaseMs + 200));
    expect(await sweep(url), lastStderr).toBe(0); // restart: resume and finish
    const store = createStore(await openKV(url));
    expect({ n, ...(await snapshot(store)) }).toEqual({ n, ...expected });
    await store.close();
  }
  return killed;
}

describe('SIGKILL before every write of a sweep', () => {
  it('SQLite file: every event once, every alert once, detection state as in a clean run', async () => {
    const killed = await killAtEveryWrite(async () => `sqlite://${path.join(mkdtempSync(path.join(dir, 's-')), 'vigil.sqlite')}`);
    expect(killed).toBeGreaterThan(5); // 3 pages, each with its own batch write, and alert writes between
  }, 600_000);

  it('Redis: every event once, every alert once, detection state as in a clean run', async () => {
    let db = 0;
    const killed = await killAtEveryWrite(async () => {
      // A fresh logical database per run (16 by default; flush and reuse past that).
      const n = db++ % 16;
      const url = `${redis.url}/${n}`;
      const kv = await openKV(url);
      const { createClient } = await import('@redis/client');
      const c = createClient({ url });
      await c.connect();
      await c.flushDb();
      await c.close();
      await kv.close();
      return url;
    }, 1_000);
    expect(killed).toBeGreaterThan(5);
  }, 600_000);
});
