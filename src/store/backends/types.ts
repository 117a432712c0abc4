import type { LockBackend } from '../locks.js';

/** One write of a batch: a value (with an optional time to live) or a deletion. */
export type WriteOp = { key: string; value: unknown; ttlMs?: number } | { key: string; delete: true };

/**
 * The key-value contract Vigil needs. Every backend keeps keyv's stored format (src/store/backends/format.ts),
 * so stores written by earlier versions are read as they are.
 */
export interface KV {
  get(key: string): Promise<unknown>;
  /** Values of several keys in one round trip, in the order asked (undefined where absent or expired). */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Apply every operation atomically and durably, or none: one SQLite transaction, one PostgreSQL statement,
   * one Redis MULTI/EXEC. This is the one write a pipeline batch makes.
   */
  write(ops: readonly WriteOp[]): Promise<void>;
  /** Delete expired values (Redis expires them itself). Returns how many were removed. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
  /** The backend kind, for status output (never the URL: it may carry a password). */
  readonly kind: 'sqlite' | 'redis' | 'postgres' | 'memory';
  /** Lock primitive (src/store/locks.ts): Redis SET NX PX when shared by replicas, in-process otherwise. */
  readonly locks?: LockBackend;
}
