import cron, { type RunCoordinator } from 'node-cron';
import type { Logger } from '../log.js';

export interface SchedulerOptions {
  schedule: string;
  name: string;
  /** The job; receives a signal that aborts on stop(). */
  run: (signal: AbortSignal) => Promise<void>;
  log: Logger;
  /** Multi-replica deployments: elect one runner per fire (see src/pipeline/lock.ts). */
  coordinator?: RunCoordinator;
  /** Lease for the coordinator, ms. */
  leaseMs?: number;
}

/**
 * A node-cron job that never overlaps itself: a fire while the previous run is still going is skipped (and
 * logged). stop() aborts the running job at its next safe point and waits for it.
 */
export function createScheduler(opts: SchedulerOptions) {
  const abort = new AbortController();
  let running: Promise<void> | undefined;

  async function runOnce(): Promise<void> {
    if (running) {
      opts.log.info({ job: opts.name }, 'previous run still going; skipping this one');
      return;
    }
    running = opts.run(abort.signal).catch((err: Error) => {
      opts.log.error({ job: opts.name, err: err.message }, 'scheduled job failed');
    });
    try {
      await running;
    } finally {
      running = undefined;
    }
  }

  const task = cron.createTask(opts.schedule, () => runOnce(), {
    name: opts.name,
    noOverlap: true,
    ...(opts.coordinator ? { distributed: true, runCoordinator: opts.coordinator, distributedLease: opts.leaseMs ?? 10 * 60_000 } : {}),
  });
  task.on('execution:skipped', (ctx) => opts.log.debug({ job: opts.name, reason: ctx.reason }, 'another replica runs this fire'));

  return {
    start: () => task.start(),
    /** Run now (start-up sweep, CLI); respects the no-overlap rule. */
    runNow: runOnce,
    async stop() {
      await task.stop();
      abort.abort(new Error('shutting down'));
      await running;
      await task.destroy();
    },
    nextRun: () => task.getNextRun(),
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
