import { createRedisLockBackend, type RedisLockClient } from '../locks.js';
import { decode, encode, lastPerKey } from './format.js';
import type { KV } from './types.js';

/** keyv's Redis adapter prefixed keys with `<namespace>::`; earlier stores are read as they are. */
const PREFIX = 'vigil::';

/** The part of a node-redis v5 client this backend uses. */
interface RedisClient {
  isOpen: boolean;
  isReady: boolean;
  once(event: 'ready', fn: () => void): unknown;
  on(event: 'error', fn: (err: unknown) => void): unknown;
  get(key: string): Promise<string | null>;
  mGet(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, opts?: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  del(keys: string | string[]): Promise<number>;
  multi(): RedisMulti;
  connect(): Promise<unknown>;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}
interface RedisMulti {
  set(key: string, value: string, opts?: { expiration: { type: 'PX'; value: number } }): RedisMulti;
  del(keys: string | string[]): RedisMulti;
  exec(): Promise<unknown[]>;
}

/**
 * While the client is connecting (open, not yet ready) a command fails at once with "The client is offline"
 * (no offline queue). Wait for the connection a bounded time first, so the first commands after start-up (or a
 * restart of Redis) go through; while Redis stays down, commands still fail within a second.
 */
function whenReady(c: RedisClient, maxWaitMs = 1_000): () => Promise<void> {
  let waiting: Promise<void> | undefined;
  return () => {
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

const px = (ttlMs?: number) => (ttlMs !== undefined && ttlMs > 0 ? { expiration: { type: 'PX' as const, value: Math.max(1, Math.round(ttlMs)) } } : undefined);

/**
 * Redis store: a batch is one MULTI/EXEC (atomic; durable as far as the server's AOF fsync policy goes —
 * run Redis with appendonly yes). Fails fast while Redis is down (no offline queue) and reconnects in the
 * background with capped backoff, so a sweep fails cleanly and the next one resumes.
 */
export async function openRedisKV(url: string, now: () => number = Date.now): Promise<KV> {
  const { createClient } = await import('@redis/client');
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
  }) as unknown as RedisClient;
  client.on('error', () => undefined); // connection errors surface on the commands that hit them
  await client.connect();
  const ready = whenReady(client);
  const k = (key: string) => PREFIX + key;
  return {
    kind: 'redis',
    locks: createRedisLockBackend(async () => {
      await ready();
      return client as unknown as RedisLockClient;
    }),
    async get(key) {
      await ready();
      return decode(await client.get(k(key)), now());
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      await ready();
      const t = now();
      return (await client.mGet(keys.map(k))).map((v) => decode(v, t));
    },
    async set(key, value, ttlMs) {
      await ready();
      await client.set(k(key), encode(value, ttlMs, now()), px(ttlMs));
    },
    async delete(key) {
      await ready();
      await client.del(k(key));
    },
    async write(ops) {
      if (ops.length === 0) return;
      await ready();
      const t = now();
      const m = client.multi();
      for (const op of lastPerKey(ops)) {
        if ('delete' in op) m.del(k(op.key));
        else m.set(k(op.key), encode(op.value, op.ttlMs, t), px(op.ttlMs));
      }
      await m.exec();
    },
    purgeExpired: async () => 0,
    async close() {
      await (client.close?.() ?? client.quit?.())?.catch(() => undefined);
    },
  };
}
