import { createRequire } from 'node:module';
import type { AlertView } from '../../../src/domain/index.js';
import type { ActionOutcome, Alert } from '../../../src/domain/index.js';
import { TEAMS_T0, makeAlert, makeOutcome, makeView } from '../../fixtures/alert.js';

export const T0 = TEAMS_T0;

export const sampleAlert = (over: Partial<Alert> = {}): Alert => makeAlert(over, 'teams');
export const sampleView = (over: Partial<AlertView> = {}, alert: Partial<Alert> = {}): AlertView => makeView(over, alert, 'teams');
export const outcome = (kind: ActionOutcome['kind'], status: ActionOutcome['status'], over: Partial<ActionOutcome> = {}): ActionOutcome =>
  makeOutcome({ kind, status, message: status === 'done' ? 'Entra ID accepted the change.' : 'Graph answered 403 Authorization_RequestDenied', ...over }, 'teams');

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
