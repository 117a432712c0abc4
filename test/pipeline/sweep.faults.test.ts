// The source side under faults, on a real Redis store: Atlassian answering 30% of requests with 429/500/503,
// timeouts and slow pages (every event is still processed exactly once), and Redis killed mid-sweep (the sweep
// fails cleanly; once Redis is back the next sweep resumes from the checkpoint and loses nothing).
import { afterEach, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../src/pipeline/sweep.js';
import { createAtlassianClient } from '../../src/sources/atlassian/client.js';
import type { SweepSummary } from '../../src/store/store.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { seeded } from '../fixtures/random.js';
import { TOR_IP, makePipeline } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { allAlerts } from '../e2e/serve.js';

const T0 = Date.UTC(2026, 10, 1, 9);
let fake: FakeAtlassian | undefined;
let redis: RedisServer | undefined;
afterEach(async () => {
  await fake?.close();
  await redis?.stop();
  fake = undefined;
  redis = undefined;
});

/** 500 events; every 10th is a Tor sign-in by one of 8 users. */
function org(f: FakeAtlassian) {
  for (let i = 0; i < 500; i++) {
    const tor = i % 10 === 3;
    const who = tor ? `acct-u${Math.floor(i / 10) % 8}` : 'acct-alice';
    f.events.push(rawEvent({ id: `ev${String(i).padStart(3, '0')}`, time: T0 + i * 30_000, actorId: who, email: `${who}@example.com`, ip: tor ? TOR_IP : '203.0.113.7' }));
  }
}

async function sweeper(storeUrl: string, f: FakeAtlassian, timeoutMs: number) {
  const p = await makePipeline(storeUrl);
  const retries: string[] = [];
  const client = createAtlassianClient({
    baseUrl: f.url,
    orgId: f.orgId,
    apiKey: f.apiKey,
    pageLimit: 10,
    timeoutMs,
    retry: { maxRetries: 8, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 },
    onRetry: (i) => retries.push(`${i.status ?? i.reason}:${i.delayMs}`),
  });
  const sweep = () =>
    sweepOnce({ client, pipeline: p.pipeline, store: p.store, orgId: f.orgId, log: p.log, backfillMs: 365 * 86_400_000, overlapMs: 300_000, maxPages: 1000, now: () => T0 + 30 * 86_400_000 });
  return { ...p, sweep, retries };
}

describe('Atlassian answering 30% of requests with faults', () => {
  it('processes every event exactly once, honouring the Retry-After of each 429', async () => {
    fake = await startFakeAtlassian();
    org(fake);
    const reference = await sweeper('memory://', fake, 5_000);
    expect((await reference.sweep()).ok).toBe(true);
    const want = (await allAlerts(reference.store)).map((a) => [a.actor.id, a.count]).sort();
    expect(want).toHaveLength(8);

    redis = await startRedis();
    fake.randomFaults = { rate: 0.3, random: seeded(30), timeoutMs: 800, slowMs: 100 };
    const s = await sweeper(redis.url, fake, 400);
    const summaries: SweepSummary[] = [];
    for (let i = 0; i < 5 && !summaries.at(-1)?.ok; i++) summaries.push(await s.sweep());
    expect(summaries.at(-1)?.ok).toBe(true);
    fake.randomFaults = undefined;

    const cp = await s.store.getCheckpoint(fake.orgId);
    expect(cp?.version).toBe(3);
    expect((await s.store.seenAmong(fake.orgId, fake.events.map((e) => e.id as string))).sort()).toEqual(fake.events.map((e) => e.id).sort());
    expect((await allAlerts(s.store)).map((a) => [a.actor.id, a.count]).sort()).toEqual(want);
    // The faults really happened, every kind of them.
    expect(Object.keys(fake.injected).sort()).toEqual(['429', '500', '503', 'slow', 'timeout']);
    const injected = Object.values(fake.injected).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(5);
    // Each 429 was retried after the 1 s its Retry-After asked for, not after the short backoff.
    const after429 = s.retries.filter((r) => r.startsWith('429:'));
    expect(after429.length).toBe(fake.injected['429']);
    expect(after429.every((r) => r === '429:1000')).toBe(true);
    await s.store.close();
  }, 60_000);
});

describe('Redis killed mid-sweep', () => {
  it('the sweep fails cleanly, and the next one after the restart resumes and loses nothing', async () => {
    fake = await startFakeAtlassian();
    org(fake);
    const reference = await sweeper('memory://', fake, 5_000);
    expect((await reference.sweep()).ok).toBe(true);
    const want = (await allAlerts(reference.store)).map((a) => [a.actor.id, a.count, a.revision]).sort();

    redis = await startRedis({ persist: true });
    const s = await sweeper(redis.url, fake, 2_000);
    const r = redis;
    let pages = 0;
    fake.onPage = () => {
      if (++pages === 8) void r.stop(); // Redis dies while page 8 is on its way to Vigil
    };
    const failed = await s.sweep();
    fake.onPage = undefined;
    expect(failed.ok).toBe(false);
    expect(failed.error).toBeTruthy();
    expect(failed.events).toBeGreaterThan(0); // pages before the failure were committed…
    expect(failed.events).toBeLessThan(500); // …and it stopped there

    await redis.restart();
    const after: SweepSummary[] = [];
    for (let i = 0; i < 20 && !after.at(-1)?.ok; i++) {
      after.push(await s.sweep());
      if (!after.at(-1)!.ok) await new Promise((res) => setTimeout(res, 200)); // reconnecting
    }
    expect(after.at(-1)?.ok).toBe(true);
    const cp = await s.store.getCheckpoint(fake.orgId);
    expect(cp?.version).toBe(3);
    expect((await s.store.seenAmong(fake.orgId, fake.events.map((e) => e.id as string))).sort()).toEqual(fake.events.map((e) => e.id).sort());
    // The resumed sweep read only what was left (plus at most the page in flight), not from the start.
    expect(after.reduce((n, x) => n + x.events, 0)).toBeLessThan(500);
    expect((await allAlerts(s.store)).map((a) => [a.actor.id, a.count, a.revision]).sort()).toEqual(want);
    await s.store.close();
  }, 60_000);
});
