import { isImpersonation } from './lib/actions.js';
import { iso, targetsOf, who } from './lib/event.js';
import { dayOf, daysBefore } from './lib/org-days.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { AlertDraft, Detection } from './types.js';

const HOUR = 3_600_000;
const BASELINE = 30 * 24 * HOUR;
/** Distinct impersonated users within 60 minutes that are always unusual (low and medium). */
export const IMPERSONATION_DISTINCT = 3;

interface Imp {
  t: number;
  id: string;
  target: string;
}
interface ImpState {
  imps: Imp[];
}

/**
 * "Log in as user" by an actor who did not impersonate in the previous 30 days, or who impersonates three or
 * more distinct users within 60 minutes. High sensitivity: every impersonation. Low is the same as medium.
 */
export const unusualImpersonation: Detection<ImpState> = {
  id: 'unusual-impersonation',
  title: 'Unusual impersonation activity',
  severity: 'high',
  mitre: ['T1134', 'T1078.004'],
  runbook:
    'Ask the admin why they logged in as these users. If they cannot explain it, suspend the admin, review what was done as each impersonated user and notify those users.',
  windowMs: HOUR,
  needsBaseline: true,
  newActors: 'org-baseline',
  accepts: isImpersonation,
  initialState: () => ({ imps: [] }),
  cloneState: (s) => ({ imps: s.imps.slice() }),
  evaluate(event, state, ctx) {
    const target = targetsOf(event).find(Boolean) ?? event.message?.replace(/^Logged in as\s*/i, '') ?? 'unknown user';
    insertSorted(state.imps, { t: event.time, id: event.id, target });
    pruneBefore(state.imps, state.imps[state.imps.length - 1]!.t - BASELINE - HOUR, 1000);
    const day = dayOf(event.time);
    // The org's impersonations in the previous 30 days (a new actor is judged against these, not their own).
    const orgPrevious = daysBefore(ctx.orgDays, day).reduce((a, b) => a + b, 0) + (ctx.orgDays[day] ?? 0);
    ctx.orgDays[day] = (ctx.orgDays[day] ?? 0) + 1;
    const previous = state.imps.filter((x) => x.t < event.time && x.t >= event.time - BASELINE);
    const burst = densestWindow(state.imps, event.time, HOUR, (x) => x.target);
    const distinct = [...new Set(burst.map((x) => x.target))];
    const firstTime = ctx.newActor ? orgPrevious === 0 : previous.length === 0;
    const every = ctx.settings.sensitivity === 'high';
    if (!every && !firstTime && distinct.length < IMPERSONATION_DISTINCT) return [];
    const reason = firstTime
      ? ctx.newActor
        ? `first impersonation in the org in 30 days, by an account new to the org (first seen ${iso(ctx.actorFirst)})`
        : 'first impersonation in 30 days'
      : distinct.length >= IMPERSONATION_DISTINCT
        ? `${distinct.length} distinct users within 60 minutes`
        : 'every impersonation is reported at high sensitivity';
    const ids = distinct.length >= IMPERSONATION_DISTINCT ? burst.map((x) => x.id) : [event.id];
    const draft: AlertDraft = {
      title: `${who(event)} logged in as ${target} (${reason})`,
      summary: `${who(event)} impersonated ${target} at ${iso(event.time)}: ${reason}. Impersonations by this actor in the last 30 days: ${previous.length}.`,
      evidence: [
        { label: 'Impersonated', value: distinct.length > 1 ? distinct.join(', ') : target },
        { label: 'Why unusual', value: reason },
        { label: 'Impersonations in the previous 30 days', value: String(previous.length) },
        { label: 'From', value: event.location?.ip ?? 'unknown IP' },
      ],
      facts: { targets: distinct, previous30d: previous.length, reason, ...(ctx.newActor ? { orgPrevious30d: orgPrevious } : {}) },
      eventIds: ids,
      time: event.time,
      firstTime: state.imps.reduce((m, x) => (x.t < m && ids.includes(x.id) ? x.t : m), event.time),
      event,
    };
    return [draft];
  },
};
