import { SEVERITY_RANK, type Alert, type AlertEscalation, type Severity } from './alert.js';

export interface EscalationPolicy {
  /** VIGIL_ACK_TIMEOUT in ms; 0: no reminders at all. */
  ackTimeoutMs: number;
  /** VIGIL_ESCALATE_AFTER: from the reminder to the escalation channel. */
  escalateAfterMs: number;
  /** VIGIL_ESCALATE_SEVERITY: the lowest severity reminded. */
  minSeverity: Severity;
}

/**
 * The next reminder level an alert is due at `now`, or undefined. Only an open alert that nobody owns is
 * reminded (acknowledged, assigned, resolved and dismissed alerts never are), only at or above the policy's
 * severity, and never twice at the same level. Time runs from when Vigil raised the alert (`createdAt`), so an
 * alert raised from old events (a replay, a catch-up after downtime) gets the full timeout to be picked up.
 */
export function nextEscalation(alert: Alert, now: number, policy: EscalationPolicy): AlertEscalation | undefined {
  if (policy.ackTimeoutMs <= 0 || alert.status !== 'open' || alert.owner) return undefined;
  if (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[policy.minSeverity]) return undefined;
  const raised = alert.createdAt ?? alert.firstSeen;
  const e = alert.escalation;
  if (!e) return now - raised >= policy.ackTimeoutMs ? { level: 1, remindedAt: now } : undefined;
  if (e.level === 1 && now - e.remindedAt >= policy.escalateAfterMs) return { ...e, level: 2, escalatedAt: now };
  return undefined;
}
