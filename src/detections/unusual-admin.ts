import { isAdminAction } from './lib/actions.js';
import { activity, isSystemActor, iso, targetsOf, who } from './lib/event.js';
import { dayOf, daysBefore, median } from './lib/org-days.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { Detection, Sensitivity } from './types.js';

const HOUR = 3_600_000;
const BASELINE = 30 * 24 * HOUR;

/** Admin actions within 60 minutes that make a burst, per sensitivity. */
export const ADMIN_THRESHOLDS: Record<Sensitivity, number> = { low: 4, medium: 2, high: 1 };
/** A user with a baseline alerts only above this multiple of their busiest hour. */
export const BUSIEST_HOUR_FACTOR = 3;
/**
 * An actor new to the org (first seen under 7 days ago) alerts above this multiple of the org's usual busiest
 * admin hour (the median, over the previous 30 days, of each day's busiest hour of any one actor).
 */
export const NEW_ACTOR_FACTOR: Record<Sensitivity, number> = { low: 4, medium: 3, high: 2 };

interface AdminAct {
  t: number;
  id: string;
  what: string;
}
interface AdminState {
  /** Admin actions per clock hour (hour number → count), last 30 days. */
  hours: Record<string, number>;
  /** Recent admin actions (for the burst window). */
  recent: AdminAct[];
}

/**
 * A burst of administrative actions by a user who did none in the previous 30 days, or more than three times
 * their busiest hour in that baseline. Token and app actions count (they are still the user's); the Atlassian
 * system actor does not.
 */
export const unusualAdmin: Detection<AdminState> = {
  id: 'unusual-admin',
  title: 'Unusual administrative activity',
  severity: 'high',
  mitre: ['T1098', 'TA0004'],
  runbook:
    'Confirm with the user that they made these changes. If not, suspend the user, revert the changes (admins, roles, policies) and review what else the account did.',
  windowMs: HOUR,
  needsBaseline: true,
  newActors: 'org-baseline',
  accepts: (e) => isAdminAction(e) && !isSystemActor(e),
  initialState: () => ({ hours: {}, recent: [] }),
  cloneState: (s) => ({ hours: { ...s.hours }, recent: s.recent.slice() }),
  evaluate(event, state, ctx) {
    const hour = Math.floor(event.time / HOUR);
    state.hours[hour] = (state.hours[hour] ?? 0) + 1;
    const day = dayOf(event.time);
    ctx.orgDays[day] = Math.max(ctx.orgDays[day] ?? 0, state.hours[hour]);
    const targets = targetsOf(event);
    insertSorted(state.recent, { t: event.time, id: event.id, what: `${activity(event)}${targets.length ? ` → ${targets.join(', ')}` : ''}` });
    const newest = state.recent[state.recent.length - 1]!.t;
    pruneBefore(state.recent, newest - 6 * HOUR, 200); // late events up to 6 h still join their burst
    for (const h of Object.keys(state.hours)) if (Number(h) * HOUR < newest - BASELINE - 2 * HOUR) delete state.hours[h];

    const burst = densestWindow(state.recent, event.time, HOUR);
    const threshold = ADMIN_THRESHOLDS[ctx.settings.sensitivity];
    if (burst.length < threshold) return [];
    const startHour = Math.floor(burst[0]!.t / HOUR);
    let total = 0;
    let busiest = 0;
    for (const [h, n] of Object.entries(state.hours)) {
      const hn = Number(h);
      if (hn >= startHour || hn * HOUR < burst[0]!.t - BASELINE) continue;
      total += n;
      busiest = Math.max(busiest, n);
    }
    let baseline: string;
    let usual: string;
    if (ctx.newActor) {
      // New to the org: their own week says little; the org's usual busiest admin hour is the yardstick.
      const orgUsual = median(daysBefore(ctx.orgDays, dayOf(burst[0]!.t)));
      if (burst.length <= NEW_ACTOR_FACTOR[ctx.settings.sensitivity] * orgUsual) return [];
      baseline = `new to the org (first seen ${iso(ctx.actorFirst)}); the org's usual busiest admin hour: ${orgUsual || 'none in 30 days'}`;
      usual = `new account; org ≤ ${orgUsual}/h`;
    } else {
      if (total > 0 && burst.length <= BUSIEST_HOUR_FACTOR * busiest) return [];
      baseline = total === 0 ? 'none in the previous 30 days' : `${total} in 30 days, busiest hour ${busiest}`;
      usual = total === 0 ? 'none' : `≤ ${busiest}/h`;
    }
    return [
      {
        title: `${who(event)}: ${burst.length} administrative action${burst.length > 1 ? 's' : ''} in an hour (usual: ${usual})`,
        summary: `${who(event)} made ${burst.length} administrative changes between ${iso(burst[0]!.t)} and ${iso(burst[burst.length - 1]!.t)}; baseline: ${baseline}.`,
        evidence: [
          { label: 'Admin actions (60 min)', value: String(burst.length) },
          { label: 'Actions', value: burst.slice(0, 8).map((b) => b.what).join('; ') + (burst.length > 8 ? ` (+${burst.length - 8} more)` : '') },
          { label: 'Baseline', value: baseline },
          { label: 'From', value: event.location?.ip ?? 'unknown IP' },
        ],
        facts: { actions: burst.map((b) => b.what), baselineTotal: total, busiestHour: busiest, threshold, newActor: ctx.newActor },
        eventIds: burst.map((b) => b.id),
        time: burst[burst.length - 1]!.t,
        firstTime: burst[0]!.t,
        event,
      },
    ];
  },
};
