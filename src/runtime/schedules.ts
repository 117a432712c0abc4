import type { Logger } from '../log.js';
import type { ReplicaGuards } from '../pipeline/lock.js';
import type { Store } from '../store/store.js';
import { ESCALATIONS_LEASE_MS, ESCALATIONS_SCHEDULE } from './escalations.js';
import { createScheduler, type Scheduler } from './scheduler.js';

/** When the daily jobs run (UTC, off the hour so many installs do not hit the same minute). */
const IP_LISTS_DAILY = '41 4 * * *';
const HOUSEKEEPING_DAILY = '17 3 * * *';
const HOUSEKEEPING_LEASE_MS = 10 * 60_000;

export interface ScheduleDeps {
  store: Store;
  log: Logger;
  /** Refresh the IP lists (Tor exits, threat intel); absent in demo mode. */
  refreshIpLists?: () => Promise<void>;
  housekeeping: () => Promise<void>;
  /** The periodic report (VIGIL_REPORT_CRON); the job itself keeps to once per period across replicas and restarts. */
  report?: { schedule: string; run: () => Promise<unknown> };
  /** Reminders that escalate (escalations.ts), checked every minute by one replica at a time. */
  escalations?: () => Promise<unknown>;
  /** Scheduled sweeps, when an Atlassian source is configured. */
  sweeps?: { schedule: string; run: (signal: AbortSignal) => Promise<unknown>; coordinator: ReplicaGuards['coordinator']; leaseMs?: number };
}

/**
 * The cron jobs of `vigil serve`, each run once at start: IP lists (every replica keeps its own copy in
 * memory; a failed source keeps its last copy), housekeeping (one replica at a time: the expiry warning must
 * not be posted by each), and sweeps (one replica at a time, through the coordinator).
 */
export function startSchedules(deps: ScheduleDeps): { stop(): Promise<void> } {
  const { log } = deps;
  const jobs: Scheduler[] = [];
  const start = (s: Scheduler) => {
    jobs.push(s);
    s.start();
    void s.runNow();
  };
  const refresh = deps.refreshIpLists;
  if (refresh) start(createScheduler({ schedule: IP_LISTS_DAILY, name: 'ip-lists', run: () => refresh(), log }));
  const housekeepOnce = () => deps.store.locks.ifFree('housekeeping', () => deps.housekeeping(), HOUSEKEEPING_LEASE_MS).then(() => undefined);
  start(createScheduler({ schedule: HOUSEKEEPING_DAILY, name: 'housekeeping', run: housekeepOnce, log }));
  const report = deps.report;
  if (report) start(createScheduler({ schedule: report.schedule, name: 'report', run: () => report.run().then(() => undefined), log }));
  const escalate = deps.escalations;
  if (escalate) {
    const once = () => deps.store.locks.ifFree('escalations', () => escalate(), ESCALATIONS_LEASE_MS).then(() => undefined);
    start(createScheduler({ schedule: ESCALATIONS_SCHEDULE, name: 'escalations', run: once, log }));
  }
  if (deps.sweeps) {
    const sw = deps.sweeps;
    start(createScheduler({ schedule: sw.schedule, name: 'sweep', run: (signal) => sw.run(signal).then(() => undefined), log, coordinator: sw.coordinator, leaseMs: sw.leaseMs }));
  }
  return {
    async stop() {
      // Sweeps first (the order the app stopped them in before), then the daily jobs.
      for (const s of [...jobs].reverse()) await s.stop();
    },
  };
}
