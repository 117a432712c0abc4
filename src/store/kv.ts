import Keyv from 'keyv';
import { createLocalLockBackend, createRedisLockBackend, type LockBackend, type RedisLockClient } from './locks.js';

/** The minimal key-value contract Vigil needs. keyv implements it for SQLite, Redis, PostgreSQL and memory. */
export interface KV {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  /** The backend kind, for status output (never the URL: it may carry a password). */
  readonly kind: 'sqlite' | 'redis' | 'postgres' | 'memory';
  /** Lock primitive (src/store/locks.ts): Redis SET NX PX when shared by replicas, in-process otherwise. */
  readonly locks?: LockBackend;
}

export const DEFAULT_STORE_URL = 'sqlite://./data/vigil.sqlite';

/** A JSON string value (or key) starting with ':' — the only case keyv's format escapes. */
const COLON_STRING = /[:,[{]":/;
const unescape = (_k: string, v: unknown) => (typeof v === 'string' ? (v.startsWith(':base64:') ? Buffer.from(v.slice(8), 'base64') : v.startsWith(':') ? v.slice(1) : v) : v);

/**
 * keyv's stored format (@keyv/serialize: JSON, string values starting with ':' get one more ':'), written and
 * read with the native JSON functions: the default serializer walks every value in JavaScript and took most of
 * the time of a sweep with a large checkpoint (npm run bench). Values that hold no such string — nearly all —
 * take the plain JSON path. Buffers are not stored by Vigil.
 */
export const keyvFormat = {
  serialize(data: unknown): string {
    const plain = JSON.stringify(data);
    if (plain === undefined) return 'null';
    if (!COLON_STRING.test(plain)) return plain;
    return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(':') ? `:${v}` : v));
  },
  deserialize<T>(text: string): T {
    return (COLON_STRING.test(text) ? JSON.parse(text, unescape) : JSON.parse(text)) as T;
  },
};

/** The connection state the Redis client exposes (node-redis v5). */
interface Connecting {
  isOpen: boolean;
  isReady: boolean;
  once(event: 'ready', fn: () => void): unknown;
}

/**
 * While the Redis client is connecting (open, not yet ready) a command fails at once with "The client is offline"
 * (no offline queue). Wait for the connection a bounded time first, so the first commands after start-up (or a
 * restart of Redis) go through; while Redis stays down, commands still fail within a second.
 */
function whenReady(client: () => Connecting, maxWaitMs = 1_000): () => Promise<void> {
  let waiting: Promise<void> | undefined;
  return () => {
    const c = client();
    if (!c.isOpen || c.isReady) return Promise.resolve();
    waiting ??= new Promise<void>((resolve) => {
      const t = setTimeout(resolve, maxWaitMs);
      t.unref();
      c.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    }).finally(() => {
      waiting = undefined;
    });
    return waiting;
  };
}

function wrap(keyv: Keyv, kind: KV['kind'], locks: LockBackend = createLocalLockBackend(), ready: () => Promise<void> = async () => undefined): KV {
  let lastError: unknown;
  keyv.on('error', (err: unknown) => {
    lastError = err;
  });
  const check = () => {
    if (lastError) {
      const e = lastError;
      lastError = undefined;
      throw e instanceof Error ? e : new Error(String(e));
    }
  };
  return {
    kind,
    locks,
    async get(key) {
      await ready();
      const v = await keyv.get(key);
      check();
      return v;
    },
    async set(key, value, ttlMs) {
      await ready();
      const ok = await keyv.set(key, value, ttlMs);
      check();
      if (ok === false) throw new Error(`store write failed for ${key.split(':')[0]}`);
    },
    async delete(key) {
      await ready();
      await keyv.delete(key);
      check();
    },
    async close() {
      await keyv.disconnect().catch(() => undefined);
    },
  };
}

/** In-memory store: for replay and unit tests. */
export function createMemoryKV(): KV {
  return wrap(new Keyv({ namespace: 'vigil', ...keyvFormat }), 'memory');
}

/** Open the store named by a URL: sqlite://path, redis://..., postgresql://..., memory://. */
export async function openKV(url: string): Promise<KV> {
  const u = url.trim();
  if (u === 'memory://' || u === 'memory') return createMemoryKV();
  if (u.startsWith('sqlite://')) {
    const file = u.slice('sqlite://'.length) || './data/vigil.sqlite';
    const { mkdir, open } = await import('node:fs/promises');
    const path = await import('node:path');
    // Private from the start (issue 14): the directory 0700, the database file 0600; SQLite creates its
    // journal, WAL and SHM files with the database file's mode.
    await mkdir(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    await (await open(file, 'a', 0o600)).close();
    const { default: KeyvSqlite } = await import('@keyv/sqlite');
    const store = new KeyvSqlite({ uri: `sqlite://${file}`, table: 'vigil', busyTimeout: 10_000 });
    return wrap(new Keyv({ store, namespace: 'vigil', ...keyvFormat }), 'sqlite');
  }
  if (u.startsWith('redis://') || u.startsWith('rediss://')) {
    const { default: KeyvRedis } = await import('@keyv/redis');
    // Fail fast while Redis is down (no offline queue, bounded connect) so a sweep fails cleanly and the next one
    // resumes; reconnect in the background with capped backoff.
    const store = new KeyvRedis(
      {
        url: u,
        disableOfflineQueue: true,
        socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
      },
      { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 5_000 },
    );
    const ready = whenReady(() => store.client as unknown as Connecting);
    const locks = createRedisLockBackend(async () => {
      const client = await store.getClient();
      await ready();
      return client as unknown as RedisLockClient;
    });
    return wrap(new Keyv({ store, namespace: 'vigil', ...keyvFormat, useKeyPrefix: false }), 'redis', locks, ready);
  }
  if (u.startsWith('postgres://') || u.startsWith('postgresql://')) {
    // Own pool (survives a database restart), and a lease table for replicas sharing the database.
    const { openPostgresStore } = await import('./pg-kv.js');
    const pg = openPostgresStore(u);
    return wrap(new Keyv({ store: pg.store, namespace: 'vigil', ...keyvFormat }), 'postgres', pg.locks);
  }
  throw new Error('VIGIL_STORE_URL must start with sqlite://, redis://, rediss://, postgresql:// or memory://');
}
