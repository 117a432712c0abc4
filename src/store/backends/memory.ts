import { createLocalLockBackend } from '../locks.js';
import { decode, encode } from './format.js';
import type { KV } from './types.js';

/** In-memory store (replay and unit tests): values are kept serialised, so callers never share objects with it. */
export function createMemoryKV(now: () => number = Date.now): KV {
  const map = new Map<string, string>();
  const get = (key: string) => {
    const v = decode(map.get(key), now());
    if (v === undefined) map.delete(key);
    return v;
  };
  return {
    kind: 'memory',
    locks: createLocalLockBackend(),
    get: async (key) => get(key),
    getMany: async (keys) => keys.map(get),
    async set(key, value, ttlMs) {
      map.set(key, encode(value, ttlMs, now()));
    },
    async delete(key) {
      map.delete(key);
    },
    async write(ops) {
      // Encode everything first: a value that cannot be serialised fails the batch before anything changes.
      const t = now();
      const staged = ops.map((op) => ('delete' in op ? { key: op.key } : { key: op.key, text: encode(op.value, op.ttlMs, t) }));
      for (const s of staged) {
        if (s.text === undefined) map.delete(s.key);
        else map.set(s.key, s.text);
      }
    },
    async purgeExpired() {
      let n = 0;
      for (const key of [...map.keys()]) if (decode(map.get(key), now()) === undefined && map.delete(key)) n++;
      return n;
    },
    async close() {
      map.clear();
    },
  };
}
