import type { Alert, AlertStatus, Severity } from '../domain/index.js';
import { SEVERITY_RANK, UNRESOLVED_STATUSES } from '../domain/index.js';

export interface AlertsReport {
  kind: 'alerts';
  openOnly: boolean;
  /** How many alerts matched before the list was cut to `limit`. */
  total: number;
  alerts: Array<{ id: string; title: string; severity: Severity; detection: string; status: AlertStatus; lastSeen: number; who: string }>;
}

/** The newest alerts first (open ones when openOnly), most severe first on the same time. Pure. */
export function listAlerts(alerts: Alert[], opts: { openOnly: boolean; limit?: number }): AlertsReport {
  const limit = opts.limit ?? 15;
  const matching = alerts
    .filter((a) => !opts.openOnly || UNRESOLVED_STATUSES.has(a.status))
    .sort((a, b) => b.lastSeen - a.lastSeen || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return {
    kind: 'alerts',
    openOnly: opts.openOnly,
    total: matching.length,
    alerts: matching.slice(0, limit).map(alertLine),
  };
}

/** What a listing shows of one alert (also the home's alert lines). */
export function alertLine(a: Alert): AlertsReport['alerts'][number] {
  return { id: a.id, title: a.title, severity: a.severity, detection: a.detection, status: a.status, lastSeen: a.lastSeen, who: a.actor.email ?? a.actor.name ?? a.actor.id };
}
