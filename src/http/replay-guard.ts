import type { LockBackend } from '../store/locks.js';

/**
 * "Have I served this signed request before?" for the signature's validity window. With a distributed lock
 * backend (Redis) the memory is shared by every replica (SET NX PX, expiring on its own); otherwise an
 * in-process map whose entries are dropped oldest-first once they expire (one TTL, so insertion order is
 * expiry order and the map never holds more than one window of requests).
 */
export function createReplayGuard(backend: LockBackend, ttlMs: number, now: () => number = Date.now): (id: string) => Promise<boolean> {
  if (backend.distributed) return (id) => backend.acquire(`replay:${id}`, 'seen', ttlMs);
  const seen = new Map<string, number>();
  return async (id) => {
    const t = now();
    for (const [k, expires] of seen) {
      if (expires > t) break;
      seen.delete(k);
    }
    if (seen.has(id)) return false;
    seen.set(id, t + ttlMs);
    return true;
  };
}
