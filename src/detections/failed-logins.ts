import { duration, isFailedLoginEvent, iso, who } from './lib/event.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { Detection, Sensitivity } from './types.js';

const WINDOW = 10 * 60_000;

/** Failed logins within 10 minutes that make a burst, per sensitivity. */
export const FAILED_LOGIN_THRESHOLDS: Record<Sensitivity, number> = { low: 20, medium: 10, high: 5 };

interface Fail {
  t: number;
  id: string;
  ip?: string;
}
interface FailState {
  fails: Fail[];
}

/**
 * A burst of failed logins of one user (`user_login_failed`, or any action whose display name says the login
 * failed). One alert while the burst goes on: each further failure within the dedup window extends it.
 * Caveat: the Atlassian org audit log may not record failed logins at all (see README, "Known gap: failed logins").
 */
export const failedLogins: Detection<FailState> = {
  id: 'failed-logins',
  title: 'Multiple failed login attempts',
  severity: 'medium',
  mitre: ['T1110', 'TA0006'],
  runbook:
    'Check whether the user is locked out or an old client keeps retrying. If the attempts come from unknown IPs, reset the password, require re-sign-in and consider blocking the IPs.',
  windowMs: WINDOW,
  needsBaseline: false,
  accepts: isFailedLoginEvent,
  initialState: () => ({ fails: [] }),
  cloneState: (s) => ({ fails: s.fails.slice() }),
  evaluate(event, state, ctx) {
    insertSorted(state.fails, { t: event.time, id: event.id, ...(event.location?.ip ? { ip: event.location.ip } : {}) });
    pruneBefore(state.fails, state.fails[state.fails.length - 1]!.t - 6 * 3_600_000, 500);
    const burst = densestWindow(state.fails, event.time, WINDOW);
    const threshold = FAILED_LOGIN_THRESHOLDS[ctx.settings.sensitivity];
    if (burst.length < threshold) return [];
    const first = burst[0]!;
    const last = burst[burst.length - 1]!;
    const ips = [...new Set(burst.map((f) => f.ip).filter((x): x is string => !!x))];
    return [
      {
        title: `${who(event)}: ${burst.length} failed logins in ${duration(last.t - first.t)}`,
        summary: `${who(event)} failed to log in ${burst.length} times between ${iso(first.t)} and ${iso(last.t)} from ${ips.join(', ') || 'unknown IPs'}.`,
        evidence: [
          { label: 'Failed logins', value: `${burst.length} within ${duration(last.t - first.t)} (threshold ${threshold} in 10 min)` },
          { label: 'From IPs', value: ips.join(', ') || 'unknown' },
          { label: 'First', value: iso(first.t) },
          { label: 'Last', value: iso(last.t) },
        ],
        facts: { failures: burst.length, ips, threshold },
        eventIds: burst.map((f) => f.id),
        time: last.t,
        firstTime: first.t,
        event,
      },
    ];
  },
};
