import type { KV, WriteOp } from './backends/types.js';

export type { KV, WriteOp } from './backends/types.js';
export { keyvFormat } from './backends/format.js';
export { createMemoryKV } from './backends/memory.js';

export const DEFAULT_STORE_URL = 'sqlite://./data/vigil.sqlite';

/**
 * Fault injection for the crash tests (test/pipeline/kill-writes.test.ts): with VIGIL_FAULT_KILL_AT_WRITE=N
 * the process kills itself with SIGKILL right before its N-th durable write (set, delete or batch), so a test
 * can stop a real `vigil sweep` between any two writes. Unset in production: the store is returned as is.
 */
function withKillAtWrite(kv: KV, n: number): KV {
  let writes = 0;
  const before = () => {
    writes++;
    if (writes === n) process.kill(process.pid, 'SIGKILL');
  };
  return {
    ...kv,
    get: (k) => kv.get(k),
    getMany: (k) => kv.getMany(k),
    purgeExpired: () => kv.purgeExpired(),
    close: () => kv.close(),
    async set(k, v, ttl) {
      before();
      await kv.set(k, v, ttl);
    },
    async delete(k) {
      before();
      await kv.delete(k);
    },
    async write(ops: readonly WriteOp[]) {
      before();
      await kv.write(ops);
    },
  };
}

async function openBackend(u: string): Promise<KV> {
  if (u === 'memory://' || u === 'memory') {
    const { createMemoryKV } = await import('./backends/memory.js');
    return createMemoryKV();
  }
  if (u.startsWith('sqlite://')) {
    const { openSqliteKV } = await import('./backends/sqlite.js');
    return openSqliteKV(u.slice('sqlite://'.length) || './data/vigil.sqlite');
  }
  if (u.startsWith('redis://') || u.startsWith('rediss://')) {
    const { openRedisKV } = await import('./backends/redis.js');
    return openRedisKV(u);
  }
  if (u.startsWith('postgres://') || u.startsWith('postgresql://')) {
    const { openPostgresKV } = await import('./backends/postgres.js');
    return openPostgresKV(u);
  }
  throw new Error('VIGIL_STORE_URL must start with sqlite://, redis://, rediss://, postgresql:// or memory://');
}

/** Open the store named by a URL: sqlite://path, redis://..., postgresql://..., memory://. */
export async function openKV(url: string): Promise<KV> {
  const kv = await openBackend(url.trim());
  const killAt = Number(process.env.VIGIL_FAULT_KILL_AT_WRITE);
  return Number.isInteger(killAt) && killAt > 0 ? withKillAtWrite(kv, killAt) : kv;
}
