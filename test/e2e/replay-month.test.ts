import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateOrgMonth } from '../../src/demo/generate.js';

/** The acceptance check through the real CLI: a month of a few hundred users, exactly the injected attacks. */
describe('vigil replay on a generated month (300 users)', () => {
  it('finishes and prints exactly the expected alerts', () => {
    const month = generateOrgMonth({ seed: 11, users: 300 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-month-'));
    const file = path.join(dir, 'month.ndjson');
    writeFileSync(file, month.events.map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(path.join(dir, 'tor.txt'), month.lists.anonymous);
    writeFileSync(path.join(dir, 'intel.txt'), month.lists.suspicious);
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href, path.resolve('src/cli/main.ts'), 'replay', file, '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: {
        PATH: process.env.PATH,
        VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'),
        VIGIL_SUSPICIOUS_IP_LISTS: path.join(dir, 'intel.txt'),
        VIGIL_GEOIP_DB: 'off',
        VIGIL_TOR_EXIT_LIST_URL: 'off',
        LOG_LEVEL: 'warn',
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { detection: string; actor: { email: string }; evidence: unknown[] });
    expect(alerts.map((a) => `${a.detection} ${a.actor.email}`).sort()).toEqual(month.expected.map((x) => `${x.detection} ${x.actorEmail}`).sort());
    expect(month.events.length).toBeGreaterThan(50_000);
    for (const a of alerts) expect(a.evidence.length).toBeGreaterThan(2);
  });
});
