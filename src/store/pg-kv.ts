import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { LockBackend } from './locks.js';
import { createPostgresLockBackend, LOCK_SCHEMA, type PgQuery } from './pg-locks.js';

/**
 * The PostgreSQL store for keyv: the same table layout as @keyv/postgres (`vigil (key VARCHAR(255) PRIMARY KEY,
 * value TEXT)`, so existing databases keep working), on a connection pool this process owns. Two things
 * @keyv/postgres did not do: an idle connection dropped by the server (a restart or failover) crashed the
 * process with an unhandled 'error' event, and every store in a process shared one module-wide pool, so closing
 * one closed the others. The pool also carries the replicas' lock tables (src/store/pg-locks.ts).
 */
export interface PostgresStore {
  store: EventEmitter & {
    opts: Record<string, unknown>;
    namespace?: string;
    get(key: string): Promise<string | undefined>;
    getMany(keys: string[]): Promise<Array<string | undefined>>;
    set(key: string, value: string): Promise<void>;
    delete(key: string): Promise<boolean>;
    clear(): Promise<void>;
    disconnect(): Promise<void>;
  };
  locks: LockBackend;
  close(): Promise<void>;
}

/** Serialises the first CREATE TABLE of replicas starting together (an arbitrary application-wide number). */
const SCHEMA_LOCK = 0x76_69_67_6c;

export function openPostgresStore(uri: string, table = 'vigil'): PostgresStore {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid PostgreSQL table name ${table}`);
  const pool = new pg.Pool({ connectionString: uri, max: 8, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined); // a dropped idle connection: the next query reconnects or fails and is reported
  const ddl = [`CREATE TABLE IF NOT EXISTS ${table} (key VARCHAR(255) PRIMARY KEY, value TEXT)`, ...LOCK_SCHEMA];
  let ready: Promise<void> | undefined;
  const schema = () =>
    (ready ??= (async () => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        for (const sql of ddl) await c.query(sql);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    })().catch((err: unknown) => {
      ready = undefined; // try again on the next call
      throw err;
    }));
  const query: PgQuery = async (sql, values) => {
    await schema();
    return pool.query(sql, values);
  };
  let ended = false;
  const close = async () => {
    if (ended) return;
    ended = true;
    await pool.end();
  };
  const store = Object.assign(new EventEmitter(), {
    opts: { dialect: 'postgres', table },
    namespace: undefined as string | undefined,
    async get(key: string) {
      const r = await query(`SELECT value FROM ${table} WHERE key = $1`, [key]);
      return r.rows[0]?.value as string | undefined;
    },
    async getMany(keys: string[]) {
      const r = await query(`SELECT key, value FROM ${table} WHERE key = ANY($1)`, [keys]);
      const byKey = new Map(r.rows.map((row) => [row.key as string, row.value as string]));
      return keys.map((k) => byKey.get(k));
    },
    async set(key: string, value: string) {
      await query(`INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, value]);
    },
    async delete(key: string) {
      return ((await query(`DELETE FROM ${table} WHERE key = $1`, [key])).rowCount ?? 0) > 0;
    },
    async clear() {
      const ns = store.namespace;
      await query(`DELETE FROM ${table} WHERE key LIKE $1`, [ns ? `${ns.replace(/[%_\\]/g, '\\$&')}:%` : '%']);
    },
    disconnect: close,
  });
  return { store, locks: createPostgresLockBackend(query), close };
}
