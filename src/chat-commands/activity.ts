import { UNRESOLVED_STATUSES, type Alert } from '../domain/index.js';
import type { ActivityItem, UserActivity } from '../store/activity.js';

const DAY = 86_400_000;
const IMPERSONATION = new Set(['user_logged_in_as_user']);
const SIGN_IN = /(^|_)(login|logged_in|sign(ed)?_?in)($|_)/;
/** Admin-flavoured action keys (org admin, roles, groups, 2SV, policies, API keys, SSO, account lifecycle). */
const ADMIN =
  /(admin|role|group_|_group|twosv|two_step|policy|api_?key|api_token|domain|saml|sso|scim|directory|deactivat|reactivat|suspend|user_created|user_deleted|permission|authentication)/;

export interface CountBy {
  key: string;
  count: number;
  last: number;
}

/** What `activity <user>` shows, for any platform to render. */
export interface ActivityReport {
  kind: 'activity';
  who: string;
  found: boolean;
  accountId?: string;
  email?: string;
  name?: string;
  days: number;
  since: number;
  total: number;
  signIns: { total: number; byCountry: CountBy[]; byIp: CountBy[] };
  admin: ActivityItem[];
  impersonations: ActivityItem[];
  openAlerts: Array<Pick<Alert, 'id' | 'title' | 'severity' | 'detection' | 'lastSeen'>>;
}

export function classifyAction(action: string): 'impersonation' | 'sign-in' | 'admin' | 'other' {
  const a = action.toLowerCase();
  if (IMPERSONATION.has(a)) return 'impersonation';
  if (SIGN_IN.test(a)) return 'sign-in';
  if (ADMIN.test(a)) return 'admin';
  return 'other';
}

function countBy(items: ActivityItem[], key: (i: ActivityItem) => string | undefined, limit: number): CountBy[] {
  const m = new Map<string, CountBy>();
  for (const i of items) {
    const k = key(i) ?? 'unknown';
    const c = m.get(k) ?? { key: k, count: 0, last: 0 };
    c.count++;
    c.last = Math.max(c.last, i.t);
    m.set(k, c);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || b.last - a.last || a.key.localeCompare(b.key)).slice(0, limit);
}

/**
 * Summarise a user's recorded activity over the last `days` before `now`. Pure: the caller loads the activity
 * (readActivity) and the user's alerts.
 */
export function summarizeActivity(input: {
  who: string;
  activity: UserActivity | undefined;
  alerts: Alert[];
  days: number;
  now: number;
  limit?: number;
}): ActivityReport {
  const { who, activity, days, now } = input;
  const limit = input.limit ?? 10;
  const since = now - days * DAY;
  const items = (activity?.items ?? []).filter((i) => i.t >= since && i.t <= now);
  const signIns = items.filter((i) => classifyAction(i.action) === 'sign-in');
  const newestFirst = (a: ActivityItem, b: ActivityItem) => b.t - a.t;
  const openAlerts = input.alerts
    .filter((a) => UNRESOLVED_STATUSES.has(a.status) && (!activity || a.actor.id === activity.accountId))
    .sort((a, b) => b.lastSeen - a.lastSeen)
    .slice(0, limit)
    .map((a) => ({ id: a.id, title: a.title, severity: a.severity, detection: a.detection, lastSeen: a.lastSeen }));
  return {
    kind: 'activity',
    who,
    found: activity !== undefined,
    accountId: activity?.accountId,
    email: activity?.email,
    name: activity?.name,
    days,
    since,
    total: items.length,
    signIns: {
      total: signIns.length,
      byCountry: countBy(signIns, (i) => i.country, limit),
      byIp: countBy(signIns, (i) => i.ip, limit),
    },
    admin: items.filter((i) => classifyAction(i.action) === 'admin').sort(newestFirst).slice(0, limit),
    impersonations: items.filter((i) => classifyAction(i.action) === 'impersonation').sort(newestFirst).slice(0, limit),
    openAlerts,
  };
}
