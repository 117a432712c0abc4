import os from 'node:os';
import type { RunCoordinator } from 'node-cron';
import { createMutex, type Mutex } from '../lib/mutex.js';
import type { Logger } from '../log.js';
import { keys } from '../store/keys.js';
import type { Lease, Locks } from '../store/locks.js';

/**
 * Coordination between several `vigil serve` replicas sharing one Redis store. Everything here also works,
 * trivially, on a single-process store (SQLite, memory): the backend is then in-process.
 *
 * - cron fires: one replica per schedule slot (node-cron RunCoordinator on SET NX PX per slot key);
 * - sweeps: one at a time per org (`sweep:<org>` lease, renewed while the sweep runs; a replica that finds it
 *   held skips — also the start-up sweep, which bypasses cron);
 * - ingest: one batch at a time per org across replicas (`ingest:<org>`), so a webhook on replica A and a sweep
 *   page on replica B never both read-modify-write the checkpoint; the lease is checked again right before the
 *   checkpoint write (fencing: a holder that lost its lease does not commit);
 * - outbox: one drainer per channel (`outbox:<channel>`).
 */
export function createRunCoordinator(locks: Locks): RunCoordinator {
  const me = `${os.hostname()}:${process.pid}`;
  return {
    // The slot key stays until it expires (no onComplete release): a replica whose timer fires late for the
    // same slot must not run it again.
    shouldRun: (key, ttlMs) => locks.backend.acquire(keys.lock(`cron:${key}`), me, ttlMs),
  };
}

export interface ReplicaGuards {
  coordinator: RunCoordinator;
  /** Run a sweep if no replica is sweeping this org; undefined when skipped. */
  sweep<T>(fn: () => Promise<T>): Promise<T | undefined>;
  /** The pipeline's batch mutex (pass as `exclusive`) and the fencing check (pass as `beforeCommit`). */
  ingest: { exclusive: Mutex; assertHeld: () => Promise<void> };
  /** Drain one channel if no replica is draining it; false when skipped. */
  drain(channel: string, fn: () => Promise<void>): Promise<boolean>;
}

export interface ReplicaGuardOptions {
  locks: Locks;
  orgId: string;
  log: Logger;
  /** Lease of a sweep; renewed every third while the sweep runs. */
  sweepLeaseMs?: number;
  /** Lease of one ingest batch, and how long a batch waits for another replica's batch. */
  ingestLeaseMs?: number;
  ingestWaitMs?: number;
  drainLeaseMs?: number;
}

export function createReplicaGuards(opts: ReplicaGuardOptions): ReplicaGuards {
  const { locks, log } = opts;
  let current: Lease | undefined;
  const ingestName = `ingest:${opts.orgId}`;
  const local = createMutex(); // in-process queue in front of the store lock
  const exclusive: Mutex = <T>(fn: () => Promise<T>) =>
    local(() =>
      locks.withLock(
        ingestName,
        async (lease) => {
          current = lease;
          try {
            return await fn();
          } finally {
            current = undefined;
          }
        },
        { ttlMs: opts.ingestLeaseMs ?? 60_000, waitMs: opts.ingestWaitMs ?? 60_000 },
      ),
    );

  return {
    coordinator: createRunCoordinator(locks),
    async sweep(fn) {
      const r = await locks.ifFree(`sweep:${opts.orgId}`, () => fn(), opts.sweepLeaseMs ?? 120_000);
      if (!r.ran) log.info({ orgId: opts.orgId }, 'another replica is sweeping this org; skipping this sweep');
      return r.ran ? r.value : undefined;
    },
    ingest: {
      exclusive,
      assertHeld: async () => {
        if (current) await current.assertHeld();
      },
    },
    async drain(channel, fn) {
      const r = await locks.ifFree(`outbox:${channel}`, fn, opts.drainLeaseMs ?? 120_000);
      return r.ran;
    },
  };
}
