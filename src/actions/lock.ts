import type { Locks } from '../store/locks.js';

/**
 * An in-process lock per key: callers with the same key run one at a time, in arrival order; different keys
 * run in parallel. Idle keys are forgotten. (Across replicas, the stored outcome is the idempotency record.)
 */
export function createKeyedLock(locks?: Locks) {
  const tails = new Map<string, Promise<unknown>>();
  return function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = tails.get(key) ?? Promise.resolve();
    // Several replicas on Redis: the same click on two replicas also waits for the store lock.
    const guarded = locks?.backend.distributed ? () => locks.withLock(`action:${key}`, fn, { ttlMs: 60_000, waitMs: 180_000 }) : fn;
    const run = prev.then(guarded, guarded);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
