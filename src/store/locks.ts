import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createMutex, type Mutex } from '../lib/mutex.js';
import { keys } from './keys.js';

/**
 * The primitive every cross-replica lock is built on: "set this key to my token if nobody holds it, with an
 * expiry", and compare-and-extend / compare-and-delete on the token. Redis implements it with SET NX PX and
 * two tiny Lua scripts; SQLite, memory and PostgreSQL deployments are single-process, so an in-process map
 * with the same semantics is enough there.
 */
export interface LockBackend {
  /** True when the lock is shared by several processes (Redis). */
  readonly distributed: boolean;
  acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extend the expiry only while `token` still holds the key. */
  extend(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Delete only while `token` still holds the key. */
  release(key: string, token: string): Promise<void>;
  holder(key: string): Promise<string | undefined>;
  /** A counter that only grows (the fencing number handed to each new holder). */
  nextFence(key: string): Promise<number>;
}

/** In-process backend with real expiry semantics (single-process stores). */
export function createLocalLockBackend(now: () => number = Date.now): LockBackend {
  const held = new Map<string, { token: string; expiresAt: number }>();
  const fences = new Map<string, number>();
  const live = (key: string) => {
    const h = held.get(key);
    if (h && h.expiresAt <= now()) held.delete(key);
    return held.get(key);
  };
  return {
    distributed: false,
    async acquire(key, token, ttlMs) {
      if (live(key)) return false;
      held.set(key, { token, expiresAt: now() + ttlMs });
      return true;
    },
    async extend(key, token, ttlMs) {
      const h = live(key);
      if (!h || h.token !== token) return false;
      h.expiresAt = now() + ttlMs;
      return true;
    },
    async release(key, token) {
      if (live(key)?.token === token) held.delete(key);
    },
    holder: async (key) => live(key)?.token,
    async nextFence(key) {
      const n = (fences.get(key) ?? 0) + 1;
      fences.set(key, n);
      return n;
    },
  };
}

/** The part of a node-redis v5 client the Redis backend uses. */
export interface RedisLockClient {
  set(key: string, value: string, opts: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  get(key: string): Promise<string | null | unknown>;
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

const EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
/** The fencing counter; it lapses after a week unused (per-alert action locks would otherwise leave one each). */
const FENCE = "local n = redis.call('incr', KEYS[1]); redis.call('pexpire', KEYS[1], ARGV[1]); return n";
const FENCE_KEEP_MS = String(7 * 86_400_000);

/** Redis backend on the store's own connection (SET NX PX; compare-and-pexpire / compare-and-del in Lua). */
export function createRedisLockBackend(client: () => Promise<RedisLockClient>, prefix = 'vigil:'): LockBackend {
  const k = (key: string) => `${prefix}${key}`;
  return {
    distributed: true,
    async acquire(key, token, ttlMs) {
      const r = await (await client()).set(k(key), token, { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } });
      return r === 'OK';
    },
    async extend(key, token, ttlMs) {
      return Number(await (await client()).eval(EXTEND, { keys: [k(key)], arguments: [token, String(Math.round(ttlMs))] })) === 1;
    },
    async release(key, token) {
      await (await client()).eval(RELEASE, { keys: [k(key)], arguments: [token] });
    },
    async holder(key) {
      const v = await (await client()).get(k(key));
      return typeof v === 'string' ? v : undefined;
    },
    nextFence: async (key) => Number(await (await client()).eval(FENCE, { keys: [k(`${key}:fence`)], arguments: [FENCE_KEEP_MS] })),
  };
}

/** A held lock. `fence` grows with every new holder; `assertHeld` is the check made right before a commit. */
export interface Lease {
  readonly name: string;
  readonly token: string;
  readonly fence: number;
  /** Set when a renewal found the lock taken over (expired and acquired by another holder). */
  readonly lost: boolean;
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

export class LockError extends Error {
  constructor(
    readonly code: 'lock_timeout' | 'lock_lost',
    message: string,
  ) {
    super(message);
    this.name = 'LockError';
  }
}

export interface LockOptions {
  /** Expiry of the lock; renewed every third of it while held. */
  ttlMs?: number;
  /** How long `acquire` waits for a busy lock before giving up. */
  waitMs?: number;
}

const owner = `${os.hostname()}:${process.pid}`;
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Leases with expiry, renewal and fencing on top of a backend. */
export function createLocks(backend: LockBackend) {
  async function tryAcquire(name: string, ttlMs = 30_000): Promise<Lease | undefined> {
    const key = keys.lock(name);
    // Only the winner draws a fencing number: take the lock first, then increment the counter.
    const token = `${owner}:${randomBytes(8).toString('hex')}`;
    if (!(await backend.acquire(key, token, ttlMs))) return undefined;
    const fence = await backend.nextFence(key).catch(async (err: Error) => {
      await backend.release(key, token).catch(() => undefined);
      throw err;
    });
    let lost = false;
    const timer = setInterval(() => {
      backend.extend(key, token, ttlMs).then(
        (ok) => {
          if (!ok) lost = true;
        },
        () => undefined, // store unreachable: the next renewal or assertHeld decides
      );
    }, Math.max(10, Math.floor(ttlMs / 3)));
    timer.unref();
    return {
      name,
      token,
      fence,
      get lost() {
        return lost;
      },
      async assertHeld() {
        if (lost || (await backend.holder(key)) !== token) {
          lost = true;
          throw new LockError('lock_lost', `lost the "${name}" lock (fence ${fence}) to another replica; not committing`);
        }
      },
      async release() {
        clearInterval(timer);
        await backend.release(key, token);
      },
    };
  }

  async function acquire(name: string, opts: LockOptions = {}): Promise<Lease> {
    const deadline = Date.now() + (opts.waitMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      const lease = await tryAcquire(name, opts.ttlMs);
      if (lease) return lease;
      if (Date.now() >= deadline) throw new LockError('lock_timeout', `the "${name}" lock stayed busy; try again later`);
      await pause(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }

  /** Run fn holding the lock (waiting for it); the lease is released afterwards, also on failure. */
  async function withLock<T>(name: string, fn: (lease: Lease) => Promise<T>, opts: LockOptions = {}): Promise<T> {
    const lease = await acquire(name, opts);
    try {
      return await fn(lease);
    } finally {
      await lease.release().catch(() => undefined); // expiry frees it if the store is unreachable now
    }
  }

  /** Run fn only if the lock is free right now; `{ ran: false }` when another holder has it. */
  async function ifFree<T>(name: string, fn: (lease: Lease) => Promise<T>, ttlMs?: number): Promise<{ ran: true; value: T } | { ran: false }> {
    const lease = await tryAcquire(name, ttlMs);
    if (!lease) return { ran: false };
    try {
      return { ran: true, value: await fn(lease) };
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  /**
   * A mutex that also excludes other replicas: local callers queue in-process first (no store round trips
   * between them), then take the store lock. On a single-process backend it is just the local mutex.
   */
  function mutex(name: string, opts: LockOptions = {}): Mutex {
    const local = createMutex();
    if (!backend.distributed) return local;
    return <T>(fn: () => Promise<T>) => local(() => withLock(name, () => fn(), opts));
  }

  return { backend, tryAcquire, acquire, withLock, ifFree, mutex };
}
export type Locks = ReturnType<typeof createLocks>;
