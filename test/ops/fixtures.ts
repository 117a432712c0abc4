import type { AlertView } from '../../src/channels/types.js';
import type { ActionOutcome, Alert } from '../../src/domain/index.js';

export const T0 = Date.UTC(2026, 2, 14, 9, 30, 0);

/** A realistic impossible-travel alert; every field a renderer or export reads is filled. */
export function makeAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4e5f60718',
    detection: 'impossible-travel',
    severity: 'high',
    title: 'Impossible travel for Dana Scully',
    summary: 'Logins from Dublin and Sydney 40 minutes apart (8,950 km/h).',
    actor: { id: '5b10ac8d82e05b22cc7d4ef5', email: 'dana@example.com', name: 'Dana Scully' },
    eventIds: ['evt-1', 'evt-2'],
    count: 2,
    firstSeen: T0,
    lastSeen: T0 + 40 * 60_000,
    evidence: [
      { label: 'From', value: 'Dublin, IE (203.0.113.7)' },
      { label: 'To', value: 'Sydney, AU (198.51.100.9)' },
      { label: 'Speed', value: '8,950 km/h' },
    ],
    facts: { distanceKm: 5967, ips: ['203.0.113.7', '198.51.100.9'] },
    runbook: 'https://example.com/runbooks/impossible-travel',
    mitre: ['T1078'],
    status: 'open',
    revision: 1,
    ...over,
  };
}

export function makeOutcome(over: Partial<ActionOutcome> = {}): ActionOutcome {
  return {
    alertId: 'a1b2c3d4e5f60718',
    kind: 'suspend',
    status: 'done',
    message: 'Suspended dana@example.onmicrosoft.com',
    by: { platform: 'slack', id: 'U012ABC', name: 'alice' },
    at: T0 + 60 * 60_000,
    requestIds: ['req-1'],
    warnings: [],
    ...over,
  };
}

export function makeView(over: Partial<AlertView> = {}): AlertView {
  return { alert: makeAlert(), outcomes: [], audit: [], dryRun: false, ...over };
}
