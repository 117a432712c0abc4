import cron from 'node-cron';
import type { ReportPeriod } from '../report/model.js';

/** How far back the fires of a report schedule are looked for (a monthly schedule has one in 31 days). */
const LOOKBACK_DAYS = 62;
const DAY = 86_400_000;

/**
 * The fires of `schedule` at or before `at`, newest first, at most `count`. Matched with node-cron's own matcher
 * (the same local-time rules as the scheduler that fires the job); candidate times are built from the minute and
 * hour fields, so a weekly schedule takes a few dozen matches, not one per minute of two months.
 */
export function firesBefore(schedule: string, at: number, count: number): number[] {
  const fields = cron.parse(schedule);
  const task = cron.createTask(schedule, () => undefined);
  const hours = [...fields.hour].sort((a, b) => b - a);
  const minutes = [...fields.minute].sort((a, b) => b - a);
  const out: number[] = [];
  try {
    const day = new Date(at);
    for (let d = 0; d <= LOOKBACK_DAYS && out.length < count; d++) {
      const [y, m, dd] = [day.getFullYear(), day.getMonth(), day.getDate() - d];
      for (const h of hours) {
        for (const min of minutes) {
          const t = new Date(y, m, dd, h, min, 0, 0);
          if (t.getTime() > at || !task.match(t)) continue;
          out.push(t.getTime());
          if (out.length >= count) return out;
        }
      }
    }
    return out;
  } finally {
    void task.destroy();
  }
}

/**
 * The period a report sent at the latest fire of `schedule` (at or before `now`) covers: from the fire before it
 * to that fire. Undefined when the schedule has not fired in the lookback. A schedule that fires only once in the
 * lookback covers the 7 days before its fire.
 */
export function reportPeriod(schedule: string, now: number): ReportPeriod | undefined {
  const [to, from] = firesBefore(schedule, now, 2);
  if (to === undefined) return undefined;
  return { from: from ?? to - 7 * DAY, to };
}
