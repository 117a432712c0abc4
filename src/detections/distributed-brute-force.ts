import { duration, iso, who } from './lib/event.js';
import { cappedList, failedLoginIp, ipExcluded, isSuccessfulLogin, sourceNetwork } from './lib/logins.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { Detection, Sensitivity } from './types.js';

const HOUR = 3_600_000;
/** Failures of one account from many networks within this window. */
const WINDOW = 2 * HOUR;
/** History kept per account, so that late events still join the burst of their time. */
const KEEP = 6 * HOUR;
const MAX_FAILS = 500;
const MAX_SIGN_INS = 20;
/** A successful sign-in this long after the burst's last failure, from one of its networks, is reported on it. */
const SUCCESS_AFTER = 6 * HOUR;
const CARD_IPS = 15;

/** Distinct source networks (IPv4 address, IPv6 /64) failing one account within 2 hours, per sensitivity. */
export const DISTRIBUTED_BRUTE_FORCE_THRESHOLDS: Record<Sensitivity, number> = { low: 20, medium: 10, high: 5 };

interface Fail {
  t: number;
  id: string;
  ip: string;
  /** Source network (see sourceNetwork): what "distinct IPs" counts. */
  n: string;
  c?: string;
}
interface DistributedState {
  fails: Fail[];
  /** Successful sign-ins of the account from networks it failed from (absent in state written before 0.3). */
  ok?: Fail[];
}

/**
 * Distributed brute force: one account failing to log in from many different networks within 2 hours — a
 * botnet guessing one password slowly, each source failing once or twice, below `failed-logins`' 10-minute
 * burst. Per account (the alert's subject is the account). IPv6 addresses count by /64, so one device's
 * rotating privacy addresses are one source. Failures from excluded IPs are not counted. A later successful
 * sign-in of the account from one of the failing networks (the guess worked) makes the alert critical and leads
 * its evidence.
 * Caveat: the Atlassian org audit log may not record failed logins at all (docs/detections.md).
 */
export const distributedBruteForce: Detection<DistributedState> = {
  id: 'distributed-brute-force',
  title: 'Distributed brute force against one account',
  severity: 'high',
  mitre: ['T1110.001', 'TA0006'],
  runbook:
    'Check for a successful sign-in of the account from any of the listed IPs; if there is one, require re-sign-in and reset the password. Make sure the account has two-step verification; consider blocking the IPs or their ranges.',
  windowMs: WINDOW,
  needsBaseline: false,
  accepts: (e) => failedLoginIp(e) !== undefined || (isSuccessfulLogin(e) && !!e.location?.ip),
  initialState: () => ({ fails: [] }),
  cloneState: (s) => ({ fails: s.fails.slice(), ...(s.ok ? { ok: s.ok.slice() } : {}) }),
  evaluate(event, state, ctx) {
    const ip = event.location!.ip!;
    // An excluded IP (an office, a scanner) is not one of the sources; it does not hide the others.
    if (ipExcluded(ip, ctx.settings)) return [];
    const c = event.location?.countryCode ?? event.location?.countryName;
    const entry: Fail = { t: event.time, id: event.id, ip, n: sourceNetwork(ip), ...(c ? { c } : {}) };
    const failed = failedLoginIp(event) !== undefined;
    if (failed) insertSorted(state.fails, entry);
    else if (state.fails.some((f) => f.n === entry.n && f.t <= entry.t)) insertSorted((state.ok ??= []), entry);
    else return [];
    const newest = state.fails[state.fails.length - 1]!.t;
    pruneBefore(state.fails, newest - KEEP, MAX_FAILS);
    if (state.ok) pruneBefore(state.ok, newest - KEEP, MAX_SIGN_INS);
    // A sign-in belongs to the burst that ended before it: anchor on the latest failure at or before it.
    const anchor = failed ? event.time : latestAtOrBefore(state.fails, event.time);
    if (anchor === undefined) return [];
    const burst = densestWindow(state.fails, anchor, WINDOW, (f) => f.n);
    const threshold = DISTRIBUTED_BRUTE_FORCE_THRESHOLDS[ctx.settings.sensitivity];
    const networks = new Set(burst.map((f) => f.n));
    if (networks.size < threshold) return [];
    const first = burst[0]!.t;
    const last = burst[burst.length - 1]!.t;
    const ips = [...new Set(burst.map((f) => f.ip))];
    const countries = [...new Set(burst.map((f) => f.c).filter((x): x is string => !!x))];
    const signIns = (state.ok ?? []).filter((o) => networks.has(o.n) && o.t >= first && o.t <= last + SUCCESS_AFTER);
    const success = signIns.length > 0 ? ` — then signed in from ${signIns[0]!.ip}` : '';
    return [
      {
        ...(signIns.length > 0 ? { severity: 'critical' as const } : {}),
        title: `${who(event)}: failed logins from ${networks.size} different IPs in ${duration(last - first)}${success}`,
        summary:
          `${who(event)} failed to log in ${burst.length} times from ${networks.size} different networks between ${iso(first)} and ${iso(last)}: ${cappedList(ips, CARD_IPS)}.` +
          (signIns.length > 0 ? ` Afterwards the account signed in successfully from ${cappedList([...new Set(signIns.map((o) => o.ip))], CARD_IPS)}, one of the failing sources.` : ''),
        evidence: [
          { label: 'Signed in afterwards', value: signIns.length > 0 ? signIns.map((o) => `⚠️ from ${o.ip} at ${iso(o.t)}`).join(', ') : 'not from these IPs' },
          { label: 'Source IPs', value: `${networks.size} within ${duration(last - first)} (threshold ${threshold} in 2 h)` },
          { label: 'IPs', value: cappedList(ips, CARD_IPS) },
          { label: 'Countries', value: countries.length > 0 ? cappedList(countries, CARD_IPS) : 'unknown' },
          { label: 'Failed logins', value: String(burst.length) },
          { label: 'First', value: iso(first) },
          { label: 'Last', value: iso(last) },
        ],
        facts: { networks: networks.size, ips, countries, failures: burst.length, threshold, signedInFrom: signIns.map((o) => o.ip) },
        eventIds: [...burst.map((f) => f.id), ...signIns.map((o) => o.id)],
        time: signIns.reduce((m, o) => Math.max(m, o.t), last),
        firstTime: first,
        event,
      },
    ];
  },
};

function latestAtOrBefore(list: readonly Fail[], t: number): number | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.t <= t) return list[i]!.t;
  return undefined;
}
