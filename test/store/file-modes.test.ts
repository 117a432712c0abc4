import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKV, type KV } from '../../src/store/kv.js';

/** Finding 4 of issue 14: with umask 022 the data directory was 0755 and vigil.sqlite 0644. */
describe('SQLite store files are private', () => {
  let kv: KV | undefined;
  let umask: number | undefined;
  afterEach(async () => {
    await kv?.close();
    if (umask !== undefined) process.umask(umask);
  });

  it('umask 022: the data directory is created 0700, the database and its WAL/SHM/journal files 0600', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-modes-'));
    const dir = path.join(root, 'data');
    umask = process.umask(0o022);
    kv = await openKV(`sqlite://${path.join(dir, 'vigil.sqlite')}`);
    for (let i = 0; i < 50; i++) await kv.set(`k${i}`, { i, ip: '203.0.113.7' });
    expect(await kv.get('k7')).toEqual({ i: 7, ip: '203.0.113.7' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => f.startsWith('vigil.sqlite'));
    expect(files).toContain('vigil.sqlite');
    for (const f of files) expect(`${f} ${(statSync(path.join(dir, f)).mode & 0o777).toString(8)}`).toBe(`${f} 600`);
    console.log(`store files: ${files.join(', ')} (all 0600), directory 0700`);
  });
});
