import { z } from 'zod';
import type { Logger } from '../log.js';
import { buildReport } from '../report/build.js';
import { loadReportItems } from '../report/load.js';
import type { ReportPeriod, ReportTarget } from '../report/model.js';
import type { TuningContext } from '../report/tuning.js';
import type { Store } from '../store/store.js';
import { reportPeriod } from './report-period.js';

/** The last period every channel was sent (or, on first start, the period before the first one to send). */
const LAST = 'report:last';
/** Per channel: the period being or last sent, written before the post so a crash never posts it twice. */
const SENT = (key: string) => `report:sent:${key}`;
const Last = z.object({ to: z.number(), at: z.number() });
const Sent = z.object({ to: z.number(), state: z.enum(['sending', 'sent']), at: z.number() });
const LEASE_MS = 10 * 60_000;

export interface ReportJobDeps extends Pick<TuningContext, 'sensitivityOf' | 'policyFile'> {
  store: Store;
  log: Logger;
  /** VIGIL_REPORT_CRON. */
  schedule: string;
  /** Every alert channel that takes a report (the channel plugins' reportTargets). */
  targets: () => ReportTarget[];
  now?: () => number;
}

export interface ReportRun {
  period: ReportPeriod;
  /** Keys of the channels posted to in this run. */
  posted: string[];
}

/** Post the period's report to each target that has not had it; record per channel before and after the post. */
async function sendPeriod(deps: ReportJobDeps, period: ReportPeriod, now: number): Promise<ReportRun> {
  const { store, log } = deps;
  const targets = deps.targets();
  const onSkip = (id: string, reason: string) => log.warn({ alertId: id, reason }, 'report: an alert could not be read; left out');
  const { items, notCounted } = await loadReportItems(store, period, { onSkip });
  const posted: string[] = [];
  let failed = 0;
  for (const t of targets) {
    const sent = await store.getMeta(SENT(t.key), Sent).catch(() => undefined);
    if (sent && sent.to >= period.to) {
      if (sent.state === 'sending') log.warn({ channel: t.key }, 'report: a post to this channel was cut short earlier; not posting it again');
      continue;
    }
    const report = buildReport({ period, items: items.filter((i) => t.carries(i.alert)), notCounted, scope: t.scope, sensitivityOf: deps.sensitivityOf, policyFile: deps.policyFile });
    await store.setMeta(SENT(t.key), { to: period.to, state: 'sending', at: now });
    try {
      await t.post(report);
      await store.setMeta(SENT(t.key), { to: period.to, state: 'sent', at: now });
      posted.push(t.key);
    } catch (err) {
      failed++;
      // Refused (not posted): forget the intent, so the next start-up tries this channel again.
      await store.setMeta(SENT(t.key), sent ?? { to: 0, state: 'sent', at: now });
      log.error({ channel: t.key, err: (err as Error).message }, 'report: could not post to this channel');
    }
  }
  if (failed === 0) await store.setMeta(LAST, { to: period.to, at: now });
  log.info({ from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString(), channels: posted.length, failed }, 'report sent');
  return { period, posted };
}

/**
 * The scheduled report job: at each fire of VIGIL_REPORT_CRON (and at start-up, to catch up on a fire missed while
 * stopped) it reports the period that ended at the latest fire, once: one replica at a time (the `report` lock),
 * once per period across restarts (`report:last`), once per channel even after a crash mid-send (`report:sent:*`).
 * The first run on a store only records where reports begin: the first report comes at the next fire.
 */
export function createReportJob(deps: ReportJobDeps): () => Promise<ReportRun | undefined> {
  const clock = deps.now ?? Date.now;
  return async () => {
    const now = clock();
    const period = reportPeriod(deps.schedule, now);
    if (!period) return undefined;
    const r = await deps.store.locks.ifFree(
      'report',
      async () => {
        const last = await deps.store.getMeta(LAST, Last);
        if (!last) {
          await deps.store.setMeta(LAST, { to: period.to, at: now });
          deps.log.info({ next: 'at the next fire of VIGIL_REPORT_CRON' }, 'report: first start; reports begin with the next period');
          return undefined;
        }
        if (last.to >= period.to) return undefined;
        return sendPeriod(deps, period, now);
      },
      LEASE_MS,
    );
    return r.ran ? r.value : undefined;
  };
}
