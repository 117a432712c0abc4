import type { Alert, AlertStatus, Severity } from '../domain/index.js';
import { SEVERITY_RANK, UNRESOLVED_STATUSES, type Responder } from '../domain/index.js';
import { ownerText } from '../actions/ownership.js';

export interface AlertsReport {
  kind: 'alerts';
  openOnly: boolean;
  /** Only the caller's alerts (`alerts mine`). */
  mine?: boolean;
  /** How many alerts matched before the list was cut to `limit`. */
  total: number;
  alerts: Array<{ id: string; title: string; severity: Severity; detection: string; status: AlertStatus; lastSeen: number; who: string; ownedBy?: string }>;
}

/** The newest alerts first (open ones when openOnly), most severe first on the same time. Pure. */
export function listAlerts(alerts: Alert[], opts: { openOnly: boolean; limit?: number; mine?: Responder }): AlertsReport {
  const mine = opts.mine;
  const limit = opts.limit ?? 15;
  const matching = alerts
    .filter((a) => !opts.openOnly || UNRESOLVED_STATUSES.has(a.status))
    .filter((a) => !mine || (a.owner?.who.platform === mine.platform && a.owner.who.id.toLowerCase() === mine.id.toLowerCase()))
    .sort((a, b) => b.lastSeen - a.lastSeen || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return {
    kind: 'alerts',
    openOnly: opts.openOnly,
    ...(mine ? { mine: true } : {}),
    total: matching.length,
    alerts: matching.slice(0, limit).map(alertLine),
  };
}

/** What a listing shows of one alert (also the home's alert lines). */
export function alertLine(a: Alert): AlertsReport['alerts'][number] {
  const who = a.actor.email ?? a.actor.name ?? a.actor.id;
  return { id: a.id, title: a.title, severity: a.severity, detection: a.detection, status: a.status, lastSeen: a.lastSeen, who, ...(a.owner ? { ownedBy: ownerText(a.owner) } : {}) };
}
