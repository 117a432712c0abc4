import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { createMutex } from '../../lib/mutex.js';
import { createLocalLockBackend } from '../locks.js';
import { decode, encode, lastPerKey } from './format.js';
import type { KV } from './types.js';

/** The table keyv's SQLite adapter created (same name and shape), so earlier stores open as they are. */
const TABLE = 'vigil';
const PREFIX = 'vigil:';

interface Db {
  run(sql: string, params: unknown[], cb: (err: Error | null) => void): void;
  all(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void;
  close(cb: (err: Error | null) => void): void;
}

/**
 * Create the data directory 0700 and the database file 0600 before SQLite opens it: the store holds every
 * user's recent activity and the action audit trail. SQLite creates its -wal and -shm files with the
 * database file's mode, so they are private too. Modes are set at creation, never widened afterwards.
 */
function createPrivately(file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
}

/**
 * SQLite file store: WAL journal with synchronous=FULL (a committed batch survives a crash and a power cut),
 * one transaction per `write`. Writes are serialised on the one connection so no other statement can land
 * inside a batch's transaction.
 */
export async function openSqliteKV(file: string, now: () => number = Date.now): Promise<KV> {
  createPrivately(file);
  const { default: sqlite3 } = await import('sqlite3');
  const db: Db = await new Promise((resolve, reject) => {
    const d = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(d as unknown as Db)));
  });
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));
  const all = (sql: string, params: unknown[] = []) =>
    new Promise<{ key: string; value: string }[]>((res, rej) => db.all(sql, params, (e, rows) => (e ? rej(e) : res(rows as { key: string; value: string }[]))));
  await run('PRAGMA busy_timeout = 10000');
  await run('PRAGMA journal_mode = WAL');
  await run('PRAGMA synchronous = FULL');
  await run(`CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
  const serial = createMutex();

  const upsert = `INSERT INTO ${TABLE}(key, value) SELECT key, value FROM json_each(?) WHERE true ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
  const remove = `DELETE FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`;

  async function transaction(sets: Record<string, string>, deletes: string[]): Promise<void> {
    await run('BEGIN IMMEDIATE');
    try {
      if (deletes.length) await run(remove, [JSON.stringify(deletes)]);
      if (Object.keys(sets).length) await run(upsert, [JSON.stringify(sets)]);
      await run('COMMIT');
    } catch (err) {
      await run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  const kv: KV = {
    kind: 'sqlite',
    locks: createLocalLockBackend(),
    async get(key) {
      const rows = await all(`SELECT value FROM ${TABLE} WHERE key = ?`, [PREFIX + key]);
      return decode(rows[0]?.value, now());
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const rows = await all(`SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`, [JSON.stringify(keys.map((k) => PREFIX + k))]);
      const by = new Map(rows.map((r) => [r.key, r.value]));
      const t = now();
      return keys.map((k) => decode(by.get(PREFIX + k), t));
    },
    set: (key, value, ttlMs) => serial(() => run(`INSERT INTO ${TABLE}(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, [PREFIX + key, encode(value, ttlMs, now())])),
    delete: (key) => serial(() => run(`DELETE FROM ${TABLE} WHERE key = ?`, [PREFIX + key])),
    async write(ops) {
      const t = now();
      const sets: Record<string, string> = Object.create(null) as Record<string, string>;
      const deletes: string[] = [];
      for (const op of lastPerKey(ops)) {
        if ('delete' in op) deletes.push(PREFIX + op.key);
        else sets[PREFIX + op.key] = encode(op.value, op.ttlMs, t);
      }
      if (deletes.length === 0 && Object.keys(sets).length === 0) return;
      await serial(() => transaction(sets, deletes));
    },
    purgeExpired: () =>
      serial(async () => {
        const before = await all(`SELECT count(*) AS key FROM ${TABLE}`);
        await run(`DELETE FROM ${TABLE} WHERE key LIKE 'vigil:%' AND json_valid(value) AND json_extract(value, '$.expires') <= ?`, [now()]);
        const after = await all(`SELECT count(*) AS key FROM ${TABLE}`);
        return Number(before[0]?.key ?? 0) - Number(after[0]?.key ?? 0);
      }),
    close: () => serial(() => new Promise<void>((res) => db.close(() => res()))),
  };
  return kv;
}
