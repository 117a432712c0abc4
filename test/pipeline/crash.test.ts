import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../src/pipeline/sweep.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../helpers/fake-atlassian.js';
import { TOR_IP, makeClient, makePipeline, tempSqliteUrl } from '../helpers/pipeline.js';

const T0 = Date.UTC(2026, 10, 1, 9);
let fake: FakeAtlassian;
beforeEach(async () => {
  fake = await startFakeAtlassian();
  // 30 events, 6 pages of 5; Tor logins by three users, one of them twice on different pages (dedup must extend).
  for (let i = 0; i < 30; i++) {
    const who = i === 4 || i === 12 ? 'acct-a' : i === 17 ? 'acct-b' : i === 26 ? 'acct-c' : 'acct-alice';
    fake.events.push(rawEvent({ id: `e${i}`, time: T0 + i * 60_000, actorId: who, email: `${who}@example.com`, ip: who === 'acct-alice' ? '203.0.113.7' : TOR_IP }));
  }
});
afterEach(async () => {
  await fake.close();
});

async function run(url: string, beforeCommit?: () => void) {
  const p = await makePipeline(url, { beforeCommit });
  const summary = await sweepOnce({
    client: makeClient(fake, 5),
    pipeline: p.pipeline,
    store: p.store,
    orgId: 'org-1',
    log: p.log,
    backfillMs: 365 * 86_400_000,
    overlapMs: 300_000,
    maxPages: 100,
    now: () => T0 + 86_400_000,
  });
  return { ...p, summary };
}

async function snapshot(store: Awaited<ReturnType<typeof makePipeline>>['store']) {
  const index = await store.listAlertIndex();
  const alerts = await Promise.all(index.map((e) => store.getAlert(e.id)));
  return {
    alerts: alerts.map((a) => ({ id: a!.id, actor: a!.actor.id, count: a!.count, eventIds: a!.eventIds, revision: a!.revision })).sort((x, y) => x.actor.localeCompare(y.actor)),
    outbox: (await store.pendingOutbox()).sort(),
  };
}

describe('a stop between page fetch and cursor commit', () => {
  it('loses no event and raises no alert twice, whichever page it hits', async () => {
    const clean = await run(tempSqliteUrl());
    const expected = await snapshot(clean.store);
    expect(expected.alerts.map((a) => [a.actor, a.count])).toEqual([
      ['acct-a', 2],
      ['acct-b', 1],
      ['acct-c', 1],
    ]);
    for (let crashAt = 1; crashAt <= 6; crashAt++) {
      const url = tempSqliteUrl();
      let commits = 0;
      const crashed = await run(url, () => {
        if (++commits === crashAt) throw new Error('simulated crash before the checkpoint write');
      });
      expect(crashed.summary.ok).toBe(false);
      await crashed.store.close();
      const resumed = await run(url); // "restart": new connection to the same SQLite file
      expect(resumed.summary.ok).toBe(true);
      const got = await snapshot(resumed.store);
      expect(got.alerts.map(({ revision: _r, ...a }) => a)).toEqual(expected.alerts.map(({ revision: _r, ...a }) => a));
      expect(got.outbox).toEqual(expected.outbox);
      // a replayed page must not bump a stored alert's revision (that would re-post or re-update its card)
      expect(got.alerts.map((a) => a.revision)).toEqual(expected.alerts.map((a) => a.revision));
      await resumed.store.close();
    }
  });

  it('survives SIGKILL of a real `vigil sweep --once` process at random points', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-kill-'));
    const list = path.join(dir, 'tor.txt');
    writeFileSync(list, `${TOR_IP}\n`);
    const storeUrl = `sqlite://${path.join(dir, 'vigil.sqlite')}`;
    const env = {
      ...process.env,
      ATLASSIAN_ORG_ID: fake.orgId,
      ATLASSIAN_API_KEY: fake.apiKey,
      ATLASSIAN_API_BASE_URL: fake.url,
      ATLASSIAN_PAGE_LIMIT: '5',
      VIGIL_BACKFILL: '3650d',
      VIGIL_LEARN: 'off',
      VIGIL_STORE_URL: storeUrl,
      VIGIL_ANONYMOUS_IP_LISTS: list,
      LOG_LEVEL: 'warn',
    };
    const sweepProcess = (killOnPage?: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', '--once'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        fake.onPage = (page) => {
          if (killOnPage !== undefined && page === killOnPage) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 15));
        };
        child.on('exit', (code) => resolve(code));
      });
    // Kill three times at random pages, then let a sweep finish.
    const codes: Array<number | null> = [];
    for (let i = 0; i < 3; i++) codes.push(await sweepProcess(1 + Math.floor(Math.random() * 5)));
    expect(codes).toContain(null); // at least one run really died by the signal, mid-sweep
    expect(await sweepProcess()).toBe(0);
    const store = createStore(await openKV(storeUrl));
    const index = await store.listAlertIndex();
    const alerts = await Promise.all(index.map((e) => store.getAlert(e.id)));
    const byActor = alerts.filter((a) => a!.detection === 'anonymous-ip').map((a) => [a!.actor.id, a!.count]).sort();
    expect(byActor).toEqual([
      ['acct-a', 2],
      ['acct-b', 1],
      ['acct-c', 1],
    ]);
    expect(await store.seenAmong(fake.orgId, fake.events.map((e) => e.id as string))).toHaveLength(30); // every event processed, each once
    await store.close();
  }, 120_000);
});
