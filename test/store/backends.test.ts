// Every store backend keeps one contract: batched reads, one atomic write per batch, times to live, keyv's
// stored format (stores written through keyv's adapters by Vigil 0.1 read as they are), private files.
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/store/keys.js';
import { openKV, type KV } from '../../src/store/kv.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-kv-')), 'data', 'vigil.sqlite');
const backends: Array<[string, () => Promise<KV>]> = [
  ['memory', () => openKV('memory://')],
  ['sqlite', () => openKV(`sqlite://${tempFile()}`)],
  ['redis', () => openKV(`${redis.url}/1`)],
];

describe.each(backends)('%s store', (_name, open) => {
  it('reads many keys at once and applies a batch of sets and deletes (last op per key wins)', async () => {
    const kv = await open();
    await kv.write([
      { key: 'a', value: { n: 1, s: ':colon first' } },
      { key: 'b', value: [1, 2] },
      { key: 'c', value: 'x' },
    ]);
    await kv.write([
      { key: 'c', delete: true },
      { key: 'b', value: 'replaced' },
      { key: 'b', value: 'last wins' },
      { key: '__proto__', value: 'proto is a key' },
    ]);
    expect(await kv.getMany(['a', 'b', 'c', 'missing', '__proto__'])).toEqual([{ n: 1, s: ':colon first' }, 'last wins', undefined, undefined, 'proto is a key']);
    expect(await kv.getMany([])).toEqual([]);
    await kv.close();
  });

  it('keeps keyed detection slots apart (detection\\0group: one record per IP)', async () => {
    const kv = await open();
    const a = keys.engineKeyed('org', 'password-spray\u0000203.0.113.7');
    const b = keys.engineKeyed('org', 'password-spray\u0000203.0.113.8');
    expect(a).not.toContain('\u0000');
    await kv.write([
      { key: a, value: 'first ip' },
      { key: b, value: 'second ip' },
    ]);
    expect(await kv.getMany([a, b, keys.engineKeyed('org', 'password-spray')])).toEqual(['first ip', 'second ip', undefined]);
    await kv.close();
  });

  it('expires values by their time to live, and purges them', async () => {
    const kv = await open();
    await kv.write([{ key: 'short', value: 1, ttlMs: 30 }, { key: 'long', value: 2, ttlMs: 60_000 }]);
    await new Promise((r) => setTimeout(r, 80));
    expect(await kv.getMany(['short', 'long'])).toEqual([undefined, 2]);
    await kv.purgeExpired();
    expect(await kv.get('long')).toBe(2);
    await kv.close();
  });

  it('fails a batch holding a value that cannot be stored, writing none of it', async () => {
    const kv = await open();
    await expect(kv.write([{ key: 'ok', value: 1 }, { key: 'bad', value: { n: 10n } }])).rejects.toThrow();
    expect(await kv.getMany(['ok', 'bad'])).toEqual([undefined, undefined]);
    await kv.close();
  });
});

describe('compatibility and files', () => {
  it('reads values written by keyv’s SQLite and Redis adapters (a store of Vigil 0.1), and keyv reads ours', async () => {
    const file = tempFile();
    const kv = await openKV(`sqlite://${file}`); // creates the directory and the table
    await kv.write([{ key: 'from-us', value: { ok: ':yes' } }]);
    const old = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${file}`, table: 'vigil' }), namespace: 'vigil' });
    await old.set('from-keyv', { at: 5, s: ':x' });
    await old.set('ttl-keyv', 1, 60_000);
    expect(await kv.getMany(['from-keyv', 'ttl-keyv'])).toEqual([{ at: 5, s: ':x' }, 1]);
    expect(await old.get('from-us')).toEqual({ ok: ':yes' });
    await old.disconnect();
    await kv.close();

    const url = `${redis.url}/2`;
    const oldRedis = new Keyv({ store: new KeyvRedis(url), namespace: 'vigil', useKeyPrefix: false });
    await oldRedis.set('checkpoint:o', { cursor: 'c1' });
    const rkv = await openKV(url);
    expect(await rkv.get('checkpoint:o')).toEqual({ cursor: 'c1' });
    await rkv.write([{ key: 'from-us', value: 7 }]);
    expect(await oldRedis.get('from-us')).toBe(7);
    await oldRedis.disconnect();
    await rkv.close();
  });

  it('creates the data directory 0700 and the SQLite file and its WAL/SHM 0600, whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const file = tempFile();
      const kv = await openKV(`sqlite://${file}`);
      await kv.write([{ key: 'k', value: 1 }]);
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, statSync(f).mode & 0o777]).toEqual([f, 0o600]);
      await kv.close();
    } finally {
      process.umask(previous);
    }
  });
});
