import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawEvent } from '../fakes/atlassian.js';
import { TOR_IP } from '../helpers/pipeline.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-replay-'));
const tor = path.join(dir, 'tor.txt');
writeFileSync(tor, `# exits\n${TOR_IP}\n`);
const grove = path.resolve('../shared/fixtures/atlassian-org/grove-001.json');

function vigil(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, VIGIL_ANONYMOUS_IP_LISTS: tor, LOG_LEVEL: 'info', VIGIL_LOG_FORMAT: 'json' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const T = Date.UTC(2026, 9, 1, 8);
const ndjson = [
  rawEvent({ id: 'n1', time: T, actorId: 'acct-eve', email: 'eve@example.com', ip: TOR_IP }),
  rawEvent({ id: 'n2', time: T + 60_000, actorId: 'acct-bob', email: 'bob@example.com', ip: '203.0.113.5' }),
  rawEvent({ id: 'n3', time: T + 120_000, actorId: 'acct-eve', email: 'eve@example.com', ip: TOR_IP }),
]
  .map((e) => JSON.stringify(e))
  .join('\n');

describe('vigil replay', () => {
  it('reads the real-shape Grove API page and exits 0', () => {
    const r = vigil(['replay', grove]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('replay finished');
  });

  it('prints one alert per line as valid JSON with detection and actor.email (NDJSON file)', () => {
    const file = path.join(dir, 'events.ndjson');
    writeFileSync(file, `${ndjson}\n`);
    const r = vigil(['replay', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // both Tor events of eve fall in one alert window
    const alert = JSON.parse(lines[0]!);
    expect(alert).toMatchObject({ detection: 'anonymous-ip', actor: { email: 'eve@example.com' }, count: 2, eventIds: ['n1', 'n3'] });
  });

  it('reads stdin with "-", a JSON array, and prints a table with --format table', () => {
    const arr = `[${ndjson.split('\n').join(',\n')}]`;
    const r = vigil(['replay', '-', '--format', 'table'], arr);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/first seen \(UTC\)\s+severity\s+detection/);
    expect(r.stdout).toContain('eve@example.com');
  });

  it('exits non-zero naming the file and line of unreadable input', () => {
    const file = path.join(dir, 'broken.ndjson');
    writeFileSync(file, `${ndjson.split('\n')[0]}\n{"id": "x", "attributes": }\n`);
    const r = vigil(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    const missing = vigil(['replay', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read \(ENOENT\)/);
  });

  it('skips (and logs) an event that is valid JSON but not an audit event', () => {
    const file = path.join(dir, 'mixed.ndjson');
    writeFileSync(file, `{"id":"odd","hello":1}\n${ndjson}\n`);
    const r = vigil(['replay', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('skipped a malformed audit event');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('prints usage for unknown commands and a config error naming the variable', () => {
    const r = vigil(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', grove], {
      encoding: 'utf8',
      env: { ...process.env, PORT: 'x', VIGIL_SENSITIVITY: 'max' },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('- PORT:');
    expect(bad.stderr).toContain('- VIGIL_SENSITIVITY:');
  });
});
