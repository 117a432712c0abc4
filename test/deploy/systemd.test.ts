import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitPath = new URL('../../deploy/systemd/vigil.service', import.meta.url).pathname;
const unit = readFileSync(unitPath, 'utf8');

/** The unit's [Service] (or other section) keys; repeated keys keep every value. */
function section(name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) current = header[1]!;
    else if (current === name && /^[A-Za-z]+=/.test(line)) {
      const [k, ...v] = line.split('=');
      out.set(k!, [...(out.get(k!) ?? []), v.join('=')]);
    }
  }
  return out;
}

/** systemd's own parser: `systemd-analyze verify` prints unknown keys and bad values on stderr. */
function verify(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-unit-'));
  const file = join(dir, 'vigil.service');
  writeFileSync(file, text);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  return `${r.stderr}${r.status === 0 ? '' : `exit ${r.status}`}`.trim();
}

describe('deploy/systemd/vigil.service', () => {
  it('systemd-analyze verify accepts it with no warning, and flags a misspelt key', () => {
    expect(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' })).toMatch(/^systemd \d+/);
    expect(verify(unit)).toBe('');
    expect(verify(unit.replace('RestartSec=5s', 'RestartSecs=5s'))).toMatch(/Unknown key 'RestartSecs'/);
  });

  it('starts `vigil serve` as an unprivileged user, stops gracefully and does not restart on a settings error', () => {
    const s = section('Service');
    expect(s.get('User')).toEqual(['vigil']);
    expect(s.get('ExecStart')![0]).toMatch(/^\/usr\/bin\/node .*\/bin\/vigil\.js serve$/);
    expect(s.get('KillSignal')).toEqual(['SIGTERM']);
    expect(parseInt(s.get('TimeoutStopSec')![0]!, 10)).toBeGreaterThan(30);
    expect(s.get('RestartPreventExitStatus')).toEqual(['2']);
    expect(s.get('NoNewPrivileges')).toEqual(['yes']);
    expect(s.get('ProtectSystem')).toEqual(['strict']);
    // V8 needs W+X pages; this option would crash node at start.
    expect(s.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('works in its StateDirectory, so the default relative SQLite path is writable under ProtectSystem=strict', () => {
    const s = section('Service');
    expect(s.get('WorkingDirectory')).toEqual([`/var/lib/${s.get('StateDirectory')![0]}`]);
    const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    expect(envExample).toMatch(/^VIGIL_STORE_URL=sqlite:\/\/\.\//m);
    expect(s.get('Environment')).toEqual(['NODE_ENV=production']);
  });
});
