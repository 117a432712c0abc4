import type { LockBackend } from './locks.js';

/**
 * The lock primitive (src/store/locks.ts) on PostgreSQL, so several replicas can share one PostgreSQL store:
 * a lease table (key → holder token, expiry) and a fencing-counter table. Same contract as the Redis backend:
 * acquire only when the key is free or its lease has expired, extend and release only by the holder's token,
 * a counter that only grows for each new holder. Expiry is judged by the database server's clock, so clock
 * skew between replicas cannot hand a lock to two holders. Every statement is a single atomic upsert, update
 * or delete (row locks under READ COMMITTED), on the store's own database.
 */

/** Runs one statement (after the schema exists) on the store's pool. */
export type PgQuery = (sql: string, values: unknown[]) => Promise<{ rowCount: number | null; rows: Array<Record<string, unknown>> }>;

const LOCKS = 'vigil_locks';
const FENCES = 'vigil_lock_fences';
/** Fencing counters unused this long start again from 1, as the Redis backend's do (per-alert locks leave one each). */
const FENCE_KEEP = '7 days';
/** Expired leases and old counters are deleted at most this often per process. */
const PRUNE_EVERY_MS = 60_000;

/** The lock tables, created with the store's own table (src/store/backends/postgres.ts). */
export const LOCK_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ${LOCKS} (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS ${LOCKS}_expires ON ${LOCKS} (expires_at)`,
  `CREATE TABLE IF NOT EXISTS ${FENCES} (key TEXT PRIMARY KEY, n BIGINT NOT NULL, touched_at TIMESTAMPTZ NOT NULL)`,
];

const ms = (ttlMs: number) => String(Math.max(1, Math.round(ttlMs)));

/** The lock backend on the PostgreSQL store's connection pool. */
export function createPostgresLockBackend(query: PgQuery): LockBackend {
  let lastPrune = 0;
  const prune = () => {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    void query(`DELETE FROM ${LOCKS} WHERE expires_at <= clock_timestamp()`, [])
      .then(() => query(`DELETE FROM ${FENCES} WHERE touched_at < clock_timestamp() - interval '${FENCE_KEEP}'`, []))
      .catch(() => undefined);
  };

  return {
    distributed: true,
    async acquire(key, token, ttlMs) {
      prune();
      const r = await query(
        `INSERT INTO ${LOCKS} (key, token, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
         WHERE ${LOCKS}.expires_at <= clock_timestamp()`,
        [key, token, ms(ttlMs)],
      );
      return r.rowCount === 1;
    },
    async extend(key, token, ttlMs) {
      const r = await query(
        `UPDATE ${LOCKS} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE key = $1 AND token = $2 AND expires_at > clock_timestamp()`,
        [key, token, ms(ttlMs)],
      );
      return r.rowCount === 1;
    },
    async release(key, token) {
      await query(`DELETE FROM ${LOCKS} WHERE key = $1 AND token = $2`, [key, token]);
    },
    async holder(key) {
      const r = await query(`SELECT token FROM ${LOCKS} WHERE key = $1 AND expires_at > clock_timestamp()`, [key]);
      const token: unknown = r.rows[0]?.token;
      return typeof token === 'string' ? token : undefined;
    },
    async nextFence(key) {
      const r = await query(
        `INSERT INTO ${FENCES} (key, n, touched_at) VALUES ($1, 1, clock_timestamp())
         ON CONFLICT (key) DO UPDATE SET n = CASE WHEN ${FENCES}.touched_at < clock_timestamp() - interval '${FENCE_KEEP}' THEN 1 ELSE ${FENCES}.n + 1 END,
           touched_at = clock_timestamp()
         RETURNING n`,
        [key],
      );
      return Number(r.rows[0]?.n);
    },
  };
}
