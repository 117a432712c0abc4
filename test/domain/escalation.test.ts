import { describe, expect, it } from 'vitest';
import { nextEscalation, type Alert, type EscalationPolicy } from '../../src/domain/index.js';
import { makeAlert } from '../fixtures/alert.js';

const T = Date.UTC(2026, 11, 2, 9, 0);
const MIN = 60_000;
const policy: EscalationPolicy = { ackTimeoutMs: 15 * MIN, escalateAfterMs: 15 * MIN, minSeverity: 'high' };
const alert = (over: Partial<Alert> = {}) => makeAlert({ severity: 'high', status: 'open', createdAt: T, ...over });

describe('nextEscalation', () => {
  it('an unacknowledged high alert: reminder after the ack timeout, escalation after the second, then nothing more', () => {
    expect(nextEscalation(alert(), T + 14 * MIN, policy)).toBeUndefined();
    const first = nextEscalation(alert(), T + 15 * MIN, policy);
    expect(first).toEqual({ level: 1, remindedAt: T + 15 * MIN });
    expect(nextEscalation(alert({ escalation: first }), T + 29 * MIN, policy)).toBeUndefined();
    const second = nextEscalation(alert({ escalation: first }), T + 30 * MIN, policy);
    expect(second).toEqual({ level: 2, remindedAt: T + 15 * MIN, escalatedAt: T + 30 * MIN });
    expect(nextEscalation(alert({ escalation: second }), T + 300 * MIN, policy)).toBeUndefined();
  });

  it('critical is reminded like high; medium and low never are by default, but are when the policy says so', () => {
    expect(nextEscalation(alert({ severity: 'critical' }), T + 15 * MIN, policy)?.level).toBe(1);
    expect(nextEscalation(alert({ severity: 'medium' }), T + 600 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert({ severity: 'low' }), T + 600 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert({ severity: 'medium' }), T + 15 * MIN, { ...policy, minSeverity: 'medium' })?.level).toBe(1);
  });

  it('no reminder once someone acknowledged or was assigned it, or it is resolved or dismissed', () => {
    const owner = { who: { platform: 'slack' as const, id: 'U0ALICE' }, at: T + MIN };
    expect(nextEscalation(alert({ status: 'acknowledged', owner }), T + 60 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert({ owner }), T + 60 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert({ status: 'actioned' }), T + 60 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert({ status: 'dismissed' }), T + 60 * MIN, policy)).toBeUndefined();
  });

  it('counts from when Vigil raised the alert, not from its (possibly old) events; off means never', () => {
    const old = alert({ firstSeen: T - 30 * 86_400_000, lastSeen: T - 30 * 86_400_000, createdAt: T });
    expect(nextEscalation(old, T + 5 * MIN, policy)).toBeUndefined();
    expect(nextEscalation(alert(), T + 600 * MIN, { ...policy, ackTimeoutMs: 0 })).toBeUndefined();
  });
});
