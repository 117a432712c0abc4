import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { runVigil } from '../helpers/cli.js';
import { MIN, seedReportStore } from './fixtures.js';

// `vigil report` from dist/ in a clean environment, as an operator runs it, on a real SQLite file that holds the
// week of test/report/fixtures.ts. The text is compared with a golden file (UPDATE_GOLDEN=1 rewrites it).

const GOLDEN = new URL('./golden/report.txt', import.meta.url);
let dir: string;

const vigil = (args: string[], env: Record<string, string> = {}) =>
  runVigil(['report', ...args], { cwd: dir, env: { LOG_LEVEL: 'silent', VIGIL_STORE_URL: `sqlite://${join(dir, 'vigil.sqlite')}`, ...env } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-report-'));
  const store = createStore(await openKV(`sqlite://${join(dir, 'vigil.sqlite')}`));
  await seedReportStore(store);
  await store.close();
  // A policy file that turns infrequent-country up to high: the suggestion steps it down from there.
  writeFileSync(join(dir, 'policy.yaml'), 'detections:\n  infrequent-country:\n    sensitivity: high\n');
}, 30_000);

describe('vigil report', () => {
  it('prints the week from the store as text', async () => {
    const r = await vigil(['--since', '2026-11-23T08:00:00Z', '--until', '2026-11-30T08:00:00Z'], { VIGIL_POLICY_FILE: './policy.yaml' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, r.stdout);
    expect(r.stdout).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(r.stdout).toContain('Time to acknowledge  median 13m · p90 2h 00m (8 of 10 alerts)');
    expect(r.stdout).toContain('policy file ./policy.yaml: detections.infrequent-country.sensitivity: medium');
  }, 60_000);

  it('--json carries the same figures', async () => {
    const r = await vigil(['--since', '2026-11-23T08:00:00Z', '--until', '2026-11-30T08:00:00Z', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { period: { from: string }; total: number; timeToAct: unknown; noisy: Array<{ detection: string }> };
    expect(out.period.from).toBe('2026-11-23T08:00:00.000Z');
    expect(out.total).toBe(10);
    expect(out.timeToAct).toEqual({ count: 7, of: 10, medianMs: 30 * MIN, p90Ms: 120 * MIN });
    expect(out.noisy.map((n) => n.detection)).toEqual(['infrequent-country']);
  }, 60_000);

  it('refuses a bad --since with a clear message and exit code 2', async () => {
    const r = await vigil(['--since', 'last week']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--since must be a duration such as 7d');
  }, 60_000);
});
