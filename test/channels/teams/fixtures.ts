import { createRequire } from 'node:module';
import type { AlertView } from '../../../src/channels/types.js';
import type { ActionOutcome, Alert } from '../../../src/domain/index.js';

export const T0 = Date.UTC(2026, 10, 21, 14, 2, 0);

export function sampleAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'al_impossible_travel_1',
    detection: 'impossible-travel',
    severity: 'high',
    title: 'jdoe@example.com: impossible travel Berlin → São Paulo',
    summary: 'jdoe@example.com logged in from Berlin, DE and 40 minutes later from São Paulo, BR (9,800 km apart).',
    actor: { id: '5b10ac8d82e05b22cc7d4ef5', email: 'jdoe@example.com', name: 'Jane Doe' },
    eventIds: ['ev1', 'ev2'],
    count: 2,
    firstSeen: T0 - 40 * 60_000,
    lastSeen: T0,
    evidence: [
      { label: 'From', value: 'Berlin, DE (203.0.113.7)' },
      { label: 'To', value: 'São Paulo, BR (198.51.100.9)' },
      { label: 'Distance', value: '9,800 km in 40 min' },
    ],
    facts: {},
    runbook: 'Confirm with the user; if not them, require re-sign-in and suspend.',
    mitre: ['T1078', 'TA0001'],
    status: 'open',
    revision: 1,
    ...over,
  };
}

export function sampleView(over: Partial<AlertView> = {}, alert: Partial<Alert> = {}): AlertView {
  return { alert: sampleAlert(alert), outcomes: [], audit: [], dryRun: false, activityUrl: 'https://vigil.example.com/activity/jdoe', ...over };
}

export function outcome(kind: ActionOutcome['kind'], status: ActionOutcome['status'], over: Partial<ActionOutcome> = {}): ActionOutcome {
  return {
    alertId: 'al_impossible_travel_1',
    kind,
    status,
    message: status === 'done' ? 'Entra ID accepted the change.' : 'Graph answered 403 Authorization_RequestDenied',
    by: { platform: 'teams', id: 'aad-alice', name: 'Alice Admin' },
    at: T0 + 5 * 60_000,
    requestIds: [],
    warnings: [],
    ...over,
  };
}

type ACModule = {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void };
  SerializationContext: new (version?: unknown) => { eventCount: number; getEventAt(i: number): { message: string } };
  Versions: Record<string, unknown>;
};

/** Parse a card with the official adaptivecards renderer's parser at target version 1.5; returns its complaints. */
export function adaptiveCardProblems(card: unknown): string[] {
  const require = createRequire(import.meta.url);
  const AC = require('adaptivecards/dist/adaptivecards.js') as ACModule;
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  new AC.AdaptiveCard().parse(card, ctx);
  const out: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) out.push(ctx.getEventAt(i).message);
  return out;
}
