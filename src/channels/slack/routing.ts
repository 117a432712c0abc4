import type { Alert } from '../../domain/index.js';
import { Severity } from '../../domain/index.js';

export interface SlackRoutes {
  fallback: string;
  bySeverity: Map<string, string>;
  byDetection: Map<string, string>;
}

/** `high=C0123`, `impossible-travel=C0456`, `policy:vip=C0789`: a route is `<severity | detection id>=<channel>`. */
export const ROUTE_PATTERN = /^([a-z0-9][a-z0-9:_.-]*)=([A-Za-z0-9#_-]+)$/;

/** Parse SLACK_CHANNEL_ROUTES entries (already validated by the config schema). */
export function parseRoutes(fallback: string, entries: string[]): SlackRoutes {
  const routes: SlackRoutes = { fallback, bySeverity: new Map(), byDetection: new Map() };
  for (const raw of entries) {
    const m = ROUTE_PATTERN.exec(raw.trim());
    if (!m) throw new Error(`SLACK_CHANNEL_ROUTES entry "${raw}" is not <severity or detection>=<channel id>`);
    const [, key, channel] = m as unknown as [string, string, string];
    if (Severity.safeParse(key).success) routes.bySeverity.set(key, channel);
    else routes.byDetection.set(key, channel);
  }
  return routes;
}

/** Where a new alert's card goes: its detection's channel, else its severity's, else SLACK_ALERT_CHANNEL. */
export function routeAlert(routes: SlackRoutes, alert: Pick<Alert, 'detection' | 'severity'>): string {
  return routes.byDetection.get(alert.detection) ?? routes.bySeverity.get(alert.severity) ?? routes.fallback;
}
