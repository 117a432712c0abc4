import { createPostgresLockBackend, LOCK_SCHEMA, type PgQuery } from '../pg-locks.js';
import { decode, encode, lastPerKey } from './format.js';
import type { KV } from './types.js';

/** The table keyv's PostgreSQL adapter created (same name and shape), so earlier stores open as they are. */
const TABLE = 'vigil';
const PREFIX = 'vigil:';

interface Client {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  release(): void;
}
interface Pool {
  query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null; rows: Array<Record<string, unknown>> }>;
  connect(): Promise<Client>;
  end(): Promise<void>;
  on(event: 'error', fn: (err: Error) => void): unknown;
}

/** Serialises the first CREATE TABLE of replicas starting together (an arbitrary application-wide number). */
const SCHEMA_LOCK = 0x76_69_67_6c;

/**
 * PostgreSQL store. A batch is ONE statement (a data-modifying CTE: delete, then upsert from arrays), so it
 * is atomic without holding a pooled connection across awaits.
 */
export async function openPostgresKV(url: string, now: () => number = Date.now): Promise<KV> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5_000 }) as unknown as Pool;
  pool.on('error', () => undefined); // a dropped idle connection: the next query reconnects or fails and is reported
  const ddl = [`CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT)`, ...LOCK_SCHEMA];
  let ready: Promise<void> | undefined;
  // The tables (store and replica locks), created once per process under an advisory lock; retried after a failure.
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
      ready = undefined;
      throw err;
    }));
  const query: PgQuery = async (sql, values) => {
    await schema();
    return pool.query(sql, values);
  };
  await schema();
  const k = (key: string) => PREFIX + key;
  const batch = `WITH d AS (DELETE FROM ${TABLE} WHERE key = ANY($1::text[]))
    INSERT INTO ${TABLE}(key, value) SELECT * FROM unnest($2::text[], $3::text[])
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  return {
    kind: 'postgres',
    locks: createPostgresLockBackend(query),
    async get(key) {
      const r = await query(`SELECT value FROM ${TABLE} WHERE key = $1`, [k(key)]);
      return decode(r.rows[0]?.value, now());
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const r = await query(`SELECT key, value FROM ${TABLE} WHERE key = ANY($1::text[])`, [keys.map(k)]);
      const by = new Map(r.rows.map((row) => [row.key as string, row.value as string]));
      const t = now();
      return keys.map((key) => decode(by.get(k(key)), t));
    },
    async set(key, value, ttlMs) {
      await query(`INSERT INTO ${TABLE}(key, value) VALUES($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [k(key), encode(value, ttlMs, now())]);
    },
    async delete(key) {
      await query(`DELETE FROM ${TABLE} WHERE key = $1`, [k(key)]);
    },
    async write(ops) {
      if (ops.length === 0) return;
      const t = now();
      const dels: string[] = [];
      const setKeys: string[] = [];
      const setValues: string[] = [];
      for (const op of lastPerKey(ops)) {
        if ('delete' in op) dels.push(k(op.key));
        else {
          setKeys.push(k(op.key));
          setValues.push(encode(op.value, op.ttlMs, t));
        }
      }
      await query(batch, [dels, setKeys, setValues]);
    },
    async purgeExpired() {
      const r = await query(
        `WITH gone AS (DELETE FROM ${TABLE} WHERE key LIKE 'vigil:%' AND value LIKE '%"expires":%' AND (value::jsonb->>'expires')::bigint <= $1 RETURNING 1) SELECT count(*)::text AS n, '' AS key, '' AS value FROM gone`,
        [now()],
      );
      return Number(r.rows[0]?.n ?? 0);
    },
    close: (() => {
      let ended = false;
      return async () => {
        if (ended) return;
        ended = true;
        await pool.end().catch(() => undefined);
      };
    })(),
  };
}
