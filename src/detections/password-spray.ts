import { IP_SUBJECT_PREFIX, type NormalizedEvent } from '../domain/index.js';
import { duration, isFailedLoginEvent, iso, where, who } from './lib/event.js';
import { cappedList, isSuccessfulLogin } from './lib/logins.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { AlertDraft, Detection, Sensitivity } from './types.js';

const HOUR = 3_600_000;
/** A spray: failures from one IP against many accounts within this window. */
const WINDOW = HOUR;
/** History kept per IP: late events still join their burst, and a sign-in hours after the spray is still linked. */
const KEEP = 6 * HOUR;
/** A successful sign-in this long after the spray's last failure is still reported on its alert. */
const SUCCESS_AFTER = 6 * HOUR;
const MAX_FAILS = 500;
const MAX_SIGN_INS = 50;
/** Accounts named on the card (all of them, up to MAX_FAILS, are in `facts.accounts`). */
const CARD_ACCOUNTS = 15;

/** Distinct accounts failing from one IP within an hour that make a spray, per sensitivity. */
export const PASSWORD_SPRAY_THRESHOLDS: Record<Sensitivity, number> = { low: 20, medium: 10, high: 5 };

/** One login from the IP: when, which event, which account (`a`: id, `w`: email or name). */
interface Login {
  t: number;
  id: string;
  a: string;
  w: string;
}
interface SprayState {
  fails: Login[];
  /** Successful interactive sign-ins from this IP (kept only while the IP has failures to link them to). */
  ok: Login[];
}

const ipOf = (e: NormalizedEvent): string | undefined => e.location?.ip || undefined;

/**
 * Password spray: one source IP failing to log in to many different accounts within an hour, each perhaps only
 * once or twice (below `failed-logins`' per-user burst). State and alert are keyed by the IP, so the alert's
 * subject is the IP and one alert grows while the spray goes on. Successful sign-ins from IPs it tracks are
 * accepted too: an affected account then signing in from the spraying IP is the most urgent fact on the card.
 * Caveat: the Atlassian org audit log may not record failed logins at all (docs/detections.md).
 */
export const passwordSpray: Detection<SprayState> = {
  id: 'password-spray',
  title: 'Password spray from one IP',
  severity: 'high',
  mitre: ['T1110.003', 'TA0006'],
  runbook:
    'Block the source IP. For every listed account that signed in from it afterwards: require re-sign-in, reset the password and review its activity since. Check that the other listed accounts have two-step verification.',
  windowMs: KEEP,
  needsBaseline: false,
  accepts: (e) => ipOf(e) !== undefined && !e.intel?.trusted && (isFailedLoginEvent(e) || isSuccessfulLogin(e)),
  stateKey: ipOf,
  initialState: () => ({ fails: [], ok: [] }),
  cloneState: (s) => ({ fails: s.fails.slice(), ok: s.ok.slice() }),
  evaluate(event, state, ctx) {
    const login: Login = { t: event.time, id: event.id, a: event.actor.id, w: who(event) };
    const failed = isFailedLoginEvent(event);
    if (failed) insertSorted(state.fails, login);
    else if (state.fails.length > 0) insertSorted(state.ok, login);
    const newest = Math.max(state.fails[state.fails.length - 1]?.t ?? 0, state.ok[state.ok.length - 1]?.t ?? 0);
    pruneBefore(state.fails, newest - KEEP, MAX_FAILS);
    pruneBefore(state.ok, newest - KEEP, MAX_SIGN_INS);
    // A sign-in belongs to the spray that ended before it: anchor on the latest failure at or before it.
    const anchor = failed ? event.time : latestBefore(state.fails, event.time);
    if (anchor === undefined) return [];
    const burst = densestWindow(state.fails, anchor, WINDOW, (f) => f.a);
    const accounts = new Map<string, string>();
    for (const f of burst) if (!accounts.has(f.a)) accounts.set(f.a, f.w);
    const threshold = PASSWORD_SPRAY_THRESHOLDS[ctx.settings.sensitivity];
    if (accounts.size < threshold) return [];
    const first = burst[0]!.t;
    const last = burst[burst.length - 1]!.t;
    const signIns = state.ok.filter((o) => accounts.has(o.a) && o.t >= first && o.t <= last + SUCCESS_AFTER);
    return [sprayDraft(event, { burst, accounts, signIns, threshold })];
  },
};

function latestBefore(list: readonly Login[], t: number): number | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.t <= t) return list[i]!.t;
  return undefined;
}

interface Spray {
  burst: Login[];
  /** Account id → email or name, in the order they first failed. */
  accounts: Map<string, string>;
  /** Sign-ins of affected accounts from the IP after the spray began. */
  signIns: Login[];
  threshold: number;
}

/** The alert: its subject is the IP (a synthetic actor, so the engine groups and displays it by IP). */
function sprayDraft(event: NormalizedEvent, s: Spray): AlertDraft {
  const ip = event.location!.ip!;
  const first = s.burst[0]!.t;
  const last = s.burst[s.burst.length - 1]!.t;
  const names = [...s.accounts.values()];
  const signedIn = [...new Map(s.signIns.map((o) => [o.a, o])).values()];
  const time = signedIn.reduce((m, o) => Math.max(m, o.t), last);
  const { site: _site, ...rest } = event;
  const subject: NormalizedEvent = { ...rest, actor: { id: `${IP_SUBJECT_PREFIX}${ip}`, name: ip }, targets: [] };
  const success = signedIn.length > 0 ? ` — ${signedIn.length} then signed in from it` : '';
  return {
    groupKey: ip,
    ...(signedIn.length > 0 ? { severity: 'critical' as const } : {}),
    title: `Password spray from ${ip}: ${s.accounts.size} accounts in ${duration(last - first)}${success}`,
    summary:
      `${ip} (${where(event)}) failed to log in to ${s.accounts.size} different accounts (${s.burst.length} failures) between ${iso(first)} and ${iso(last)}.` +
      (signedIn.length > 0 ? ` Afterwards ${signedIn.map((o) => o.w).join(', ')} signed in successfully from the same IP.` : ' No affected account has signed in from this IP.'),
    evidence: [
      { label: 'Signed in afterwards', value: signedIn.length > 0 ? signedIn.map((o) => `⚠️ ${o.w} at ${iso(o.t)}`).join(', ') : 'none from this IP' },
      { label: 'Accounts tried', value: `${s.accounts.size} within ${duration(last - first)} (threshold ${s.threshold} in 60 min)` },
      { label: 'Accounts', value: cappedList(names, CARD_ACCOUNTS) },
      { label: 'Source IP', value: `${ip} (${where(event)})` },
      { label: 'First', value: iso(first) },
      { label: 'Last', value: iso(last) },
    ],
    facts: { ip, accounts: names, failures: s.burst.length, threshold: s.threshold, signedInAfter: signedIn.map((o) => o.w) },
    eventIds: [...s.burst.map((f) => f.id), ...signedIn.map((o) => o.id)],
    time,
    firstTime: first,
    event: subject,
  };
}
