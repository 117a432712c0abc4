import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/runtime/scheduler.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { rawEvent, startFakeAtlassian } from '../fakes/atlassian.js';
import { captureLogger } from '../helpers/pipeline.js';

describe('createScheduler', () => {
  it('never runs two jobs at once: a fire during a run is skipped and logged', async () => {
    const { log, lines } = captureLogger();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = createScheduler({
      schedule: '0 0 1 1 *',
      name: 'sweep',
      log,
      run: async () => {
        runs++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running--;
      },
    });
    const first = s.runNow();
    await s.runNow(); // returns at once: skipped
    release();
    await first;
    await s.runNow();
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    expect(lines.some((l) => l.msg === 'previous run still going; skipping this one')).toBe(true);
    await s.stop();
  });

  it('stop() aborts the running job through its signal and waits for it', async () => {
    const { log } = captureLogger();
    let sawAbort = false;
    const s = createScheduler({
      schedule: '0 0 1 1 *',
      name: 'sweep',
      log,
      run: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            setTimeout(resolve, 20);
          });
        }),
    });
    void s.runNow();
    await s.stop();
    expect(sawAbort).toBe(true);
  });
});

describe('vigil serve on SIGTERM', () => {
  it('stops mid-sweep without losing the checkpoint, and the next run resumes where it stopped', async () => {
    const fake = await startFakeAtlassian();
    const T0 = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 40; i++) fake.events.push(rawEvent({ id: `s${i}`, time: T0 + i * 1000, ip: '203.0.113.1' }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-term-'));
    const storeUrl = `sqlite://${path.join(dir, 'v.sqlite')}`;
    const env = {
      ...process.env,
      ATLASSIAN_ORG_ID: fake.orgId,
      ATLASSIAN_API_KEY: fake.apiKey,
      ATLASSIAN_API_BASE_URL: fake.url,
      ATLASSIAN_PAGE_LIMIT: '5',
      VIGIL_BACKFILL: '3650d',
      VIGIL_LEARN: 'off',
      VIGIL_STORE_URL: storeUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      VIGIL_LOG_FORMAT: 'json',
    };
    // Pages are slow, so SIGTERM lands in the middle of the sweep (after the third page was served).
    fake.pageDelayMs = 150;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve) => {
      fake.onPage = (n) => {
        if (n === 3) resolve();
      };
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('shutting down');
    const store = createStore(await openKV(storeUrl));
    const allIds = fake.events.map((e) => e.id as string);
    const processed = (await store.seenAmong(fake.orgId, allIds)).length;
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(40); // it really stopped part-way
    expect(processed % 5).toBe(0); // only whole pages were committed
    fake.pageDelayMs = 0;
    await store.close();
    // The next process resumes from the checkpoint and reads the rest, each event once.
    const again = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', '--once'], { env, stdio: 'ignore' });
    expect(await new Promise((r) => again.on('exit', r))).toBe(0);
    const store2 = createStore(await openKV(storeUrl));
    expect((await store2.seenAmong(fake.orgId, allIds)).sort()).toEqual(fake.events.map((e) => e.id).sort());
    await store2.close();
    await fake.close();
  }, 60_000);
});
