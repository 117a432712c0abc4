import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawEvent } from '../fakes/atlassian.js';

/** `vigil replay --actions / --sensitivity / --policy`: an offline replay sees what the sweep sees. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-replay-flags-'));

function vigil(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'info', VIGIL_LOG_FORMAT: 'json', VIGIL_SENSITIVITY: 'medium', VIGIL_POLICY_FILE: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, alerts: r.stdout.trim() ? r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { detection: string }) : [] };
}
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const T = Date.UTC(2026, 9, 1, 8);

// An unpublished action key whose meaning only the catalogue gives ("Created API key").
const keyEvents = write('keys.ndjson', `${JSON.stringify(rawEvent({ id: 'k1', time: T, action: 'org_credential_issued', ip: '203.0.113.5' }))}\n`);
const catalogue = write(
  'actions.json',
  JSON.stringify({
    data: [
      { id: 'org_credential_issued', type: 'event-actions', attributes: { displayName: 'Created API key', groupDisplayName: 'Organization' } },
      { id: 'user_login', type: 'event-actions', attributes: { displayName: 'Logged in to account' } },
    ],
    links: {},
  }),
);
// Six failed logins in five minutes: a burst at high (5), not at medium (10).
const fails = write(
  'fails.ndjson',
  `${Array.from({ length: 6 }, (_, i) => JSON.stringify(rawEvent({ id: `f${i}`, time: T + i * 50_000, action: 'user_login_failed', ip: '203.0.113.9' }))).join('\n')}\n`,
);

describe('vigil replay --actions', { timeout: 120_000 }, () => {
  it('matches a policy by the catalogue display name, which the bare key does not', () => {
    const without = vigil(['replay', keyEvents]);
    expect(without.code).toBe(0);
    expect(without.alerts).toEqual([]);
    const withNames = vigil(['replay', keyEvents, '--actions', catalogue]);
    expect(withNames.code).toBe(0);
    expect(withNames.alerts.map((a) => a.detection)).toEqual(['policy:api-key-created']);
    expect(withNames.stderr).toMatch(/"actions":2.*event-actions catalogue loaded/);
  });

  it('reads a JSON array of catalogue pages', () => {
    const pages = write('pages.json', JSON.stringify([{ data: [] }, JSON.parse(JSON.stringify({ data: [{ id: 'org_credential_issued', attributes: { displayName: 'Created API key' } }] }))]));
    expect(vigil(['replay', keyEvents, '--actions', pages]).alerts.map((a) => a.detection)).toEqual(['policy:api-key-created']);
  });

  it('refuses a file that is not a catalogue, or missing, with exit 2 and its name', () => {
    const bad = write('bad.json', JSON.stringify({ data: [{ attributes: { displayName: 'no id' } }] }));
    const r = vigil(['replay', keyEvents, '--actions', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--actions ${bad}: not an /event-actions catalogue`);
    expect(r.stdout).toBe('');
    const broken = vigil(['replay', keyEvents, '--actions', write('broken.json', '{"data": [')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
    const missing = vigil(['replay', keyEvents, '--actions', path.join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json: cannot read \(ENOENT\)/);
  });
});

// Each case spawns the CLI a few times: generous timeouts for a loaded machine.
describe('vigil replay --sensitivity and --policy', { timeout: 120_000 }, () => {
  it('--sensitivity high finds the 6-failure burst that medium does not', () => {
    expect(vigil(['replay', fails]).alerts).toEqual([]);
    expect(vigil(['replay', fails, '--sensitivity', 'high']).alerts.map((a) => a.detection)).toEqual(['failed-logins']);
  });

  it('--sensitivity wins over VIGIL_SENSITIVITY; a bad value exits 2', () => {
    expect(vigil(['replay', fails, '--sensitivity', 'medium'], { VIGIL_SENSITIVITY: 'high' }).alerts).toEqual([]);
    const bad = vigil(['replay', fails, '--sensitivity', 'max']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sensitivity must be low, medium or high');
  });

  it('--policy loads a policy file instead of VIGIL_POLICY_FILE', () => {
    const policy = write('policy.yaml', 'policies:\n  - name: any-login-failure\n    match:\n      actions: [user_login_failed]\n');
    const r = vigil(['replay', fails, '--policy', policy]);
    expect(r.code).toBe(0);
    expect(r.alerts.map((a) => a.detection)).toEqual(['policy:any-login-failure']);
    const off = write('off.yaml', 'detections:\n  failed-logins:\n    enabled: false\n');
    expect(vigil(['replay', fails, '--policy', off], { VIGIL_SENSITIVITY: 'high' }).alerts).toEqual([]);
    const bad = write('bad.yaml', 'detections:\n  bogus: 1\n');
    const r2 = vigil(['replay', fails, '--policy', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`Policy file ${bad} has`);
  });

  it('an unknown flag is still an error naming the options', () => {
    const r = vigil(['replay', fails, '--sensitivty', 'high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --sensitivty. Did you mean "--sensitivity"?');
  });
});
