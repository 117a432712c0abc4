import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { didYouMean, parseCommandLine } from '../../src/cli/args.js';
import { rawEvent } from '../fakes/atlassian.js';

describe('the command line', () => {
  it('runs known commands with their options and positionals', () => {
    expect(parseCommandLine(['replay', 'f.ndjson', '--format', 'table'])).toEqual({ kind: 'run', command: 'replay', values: { format: 'table' }, positionals: ['f.ndjson'] });
    expect(parseCommandLine(['sweep', '--once'])).toMatchObject({ kind: 'run', command: 'sweep', values: { once: true } });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['help'])).toEqual({ kind: 'help' });
  });

  it('refuses unknown commands and options with the nearest spelling', () => {
    expect(parseCommandLine(['serv'])).toEqual({ kind: 'error', message: 'vigil: unknown command "serv". Did you mean "serve"?' });
    expect(parseCommandLine(['replay', 'f', '--fromat', 'table'])).toEqual({ kind: 'error', message: 'vigil replay: unknown option --fromat. Did you mean "--format"?' });
    expect(parseCommandLine(['serve', '--once'])).toEqual({ kind: 'error', message: 'vigil serve: unknown option --once. vigil serve takes no options.' });
    expect(parseCommandLine(['export', '--zzz'])).toMatchObject({ kind: 'error', message: expect.stringContaining('Options of export: --since, --format, --out.') });
    expect(parseCommandLine(['replay', 'a', 'b'])).toEqual({ kind: 'error', message: 'vigil replay: unexpected argument "b"' });
    expect(parseCommandLine(['frobnicate'])).toEqual({ kind: 'error', message: 'vigil: unknown command "frobnicate".' });
    expect(didYouMean('dcotor', ['doctor', 'export'])).toBe(' Did you mean "doctor"?');
  });
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
function vigil(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { encoding: 'utf8', cwd: path.resolve('.'), env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vigil (the built CLI)', () => {
  it('--version prints the package version and exits 0', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(vigil(['--version'])).toMatchObject({ code: 0, stdout: `vigil ${version}\n` });
  });

  it('a misspelt option is an error (exit 2), not silently ignored', () => {
    const r = vigil(['replay', 'x.ndjson', '--fromat', 'table']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --fromat. Did you mean "--format"?');
    expect(r.stdout).toBe('');
  });

  it('a bad policy file exits 2 like a bad setting, with its problems printed once', () => {
    const policy = path.join(dir, 'bad-policy.yaml');
    writeFileSync(policy, 'detections:\n  bogus: 1\n');
    const r = vigil(['replay', '/dev/null'], { VIGIL_POLICY_FILE: policy });
    expect(r.code).toBe(2);
    expect(r.stderr.split('unknown detection').length - 1).toBe(1);
    expect(r.stderr).toContain(`Policy file ${policy} has`);
  });

  it('replay says how many duplicate events it dropped', () => {
    const file = path.join(dir, 'dupes.ndjson');
    const e = rawEvent({ id: 'same-id', time: Date.UTC(2026, 9, 1), ip: '203.0.113.5' });
    writeFileSync(file, `${Array.from({ length: 30 }, () => JSON.stringify(e)).join('\n')}\n`);
    const r = vigil(['replay', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('replay: 29 events dropped as duplicates (an event id seen before)');
    expect(r.stderr).toMatch(/"events":1,"duplicates":29/);
  });
});
