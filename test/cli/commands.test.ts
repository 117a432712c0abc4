import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { doctorCommand, exportCommand, parseSince } from '../../src/cli/commands.js';
import { createProgress } from '../../src/cli/progress.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DANA_T0 as T0, makeAlert } from '../fixtures/alert.js';

const DAY = 86_400_000;

function sink(isTTY = false) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: () => string };
  let buf = '';
  s.on('data', (c: Buffer) => (buf += c.toString()));
  s.isTTY = isTTY;
  s.text = () => buf;
  return s;
}

async function seededStore(): Promise<Store> {
  const store = createStore(createMemoryKV());
  await store.saveAlerts([
    makeAlert({ id: 'old', firstSeen: T0 - 120 * DAY, lastSeen: T0 - 100 * DAY }),
    makeAlert({ id: 'new', firstSeen: T0 - 2 * DAY, lastSeen: T0 - DAY }),
  ]);
  return store;
}

const env = { VIGIL_STORE_URL: 'memory://' };

describe('vigil export command', () => {
  it('writes CSV for --since 90d to a file, quietly when stderr is not a TTY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
    const file = join(dir, 'alerts.csv');
    const store = await seededStore();
    const stderr = sink(false);
    const code = await exportCommand(['--since', '90d', '--format', 'csv', '--out', file], { env, stderr, openStore: async () => store, now: () => T0 });
    expect(code).toBe(0);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<{ id: string }>;
    expect(rows.map((r) => r.id)).toEqual(['new']);
    expect(stderr.text()).toBe(`Wrote 1 alert to ${file}\n`);
  });

  it('writes JSON to stdout and draws a progress bar on a TTY', async () => {
    const stdout = sink();
    const stderr = sink(true);
    const code = await exportCommand(['--since', '365d', '--format', 'json'], { env, stdout, stderr, openStore: seededStore, now: () => T0 });
    expect(code).toBe(0);
    expect((JSON.parse(stdout.text()) as Array<{ id: string }>).map((a) => a.id)).toEqual(['old', 'new']);
    expect(stderr.text()).toContain('Exporting alerts [');
    expect(stderr.text()).toContain('2/2 (100%)');
  });

  it('refuses bad arguments with a clear message and exit code 2', async () => {
    const stderr = sink();
    expect(await exportCommand(['--format', 'xml'], { env, stderr, openStore: seededStore })).toBe(2);
    expect(stderr.text()).toContain('--format must be csv or json');
    expect(await exportCommand(['--since', 'soon'], { env, stderr, openStore: seededStore })).toBe(2);
    expect(stderr.text()).toContain('--since must be a duration');
    expect(await exportCommand(['--bogus'], { env, stderr, openStore: seededStore })).toBe(2);
    expect(await exportCommand([], { env: { VIGIL_STORE_URL: 'ftp://x' }, stderr, openStore: seededStore })).toBe(2);
    expect(stderr.text()).toContain('VIGIL_STORE_URL');
  });

  it('parses --since as a duration back from now or as a date', () => {
    expect(parseSince('90d', T0)).toBe(T0 - 90 * DAY);
    expect(parseSince('12h', T0)).toBe(T0 - 12 * 3_600_000);
    expect(parseSince('2026-01-01', T0)).toBe(Date.UTC(2026, 0, 1));
    expect(parseSince('90', T0)).toBeUndefined();
    expect(parseSince('yesterday', T0)).toBeUndefined();
  });
});

describe('vigil doctor command', () => {
  it('exits 0 when nothing is configured to fail, and prints JSON rows with --json', async () => {
    const stdout = sink();
    const code = await doctorCommand(['--json'], { env, stdout, openStore: async () => createStore(createMemoryKV()) });
    expect(code).toBe(0);
    const rows = JSON.parse(stdout.text()) as Array<{ check: string; status: string }>;
    expect(rows[0]).toMatchObject({ check: 'Store', status: 'pass' });
    expect(rows.filter((r) => r.status !== 'skip' && r.status !== 'pass')).toEqual([]);
  });

  it('exits 1 when a check fails (the store does not open)', async () => {
    const stdout = sink();
    const code = await doctorCommand([], { env, stdout, openStore: () => Promise.reject(new Error('SQLITE_CANTOPEN: unable to open database file')) });
    expect(code).toBe(1);
    expect(stdout.text()).toMatch(/FAIL\s+Store\s+cannot open: SQLITE_CANTOPEN/);
    expect(stdout.text()).toContain('1 check failed.');
  });
});

describe('progress bar', () => {
  it('draws on a TTY and stays silent otherwise', () => {
    const tty = sink(true);
    const p = createProgress('Sweeping', tty);
    p.update(1, 4);
    p.update(1, 4); // unchanged: not redrawn
    p.update(4, 4);
    p.update(250); // unknown total: a counter
    p.done();
    const out = tty.text();
    expect(out.match(/\r/g)).toHaveLength(3);
    expect(out).toContain('1/4 (25%)');
    expect(out).toContain('4/4 (100%)');
    expect(out).toContain('Sweeping 250');
    expect(out.endsWith('\n')).toBe(true);

    const pipe = sink(false);
    const q = createProgress('Sweeping', pipe);
    q.update(1, 4);
    q.done();
    expect(pipe.text()).toBe('');
  });
});
