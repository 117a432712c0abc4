import type { ActionOutcome, Alert, AuditEntry, DismissReason } from '../domain/index.js';

/**
 * The weekly report: what the alerts of one period came to, for one alert channel (or the whole store). Plain
 * data, built by `buildReport` (build.ts) and drawn by each renderer (terminal text here, Block Kit and Adaptive
 * Card in their channel folders).
 */

/** One alert with what the store holds about it: the latest outcome per action kind and its audit trail. */
export interface ReportItem {
  alert: Alert;
  outcomes: readonly ActionOutcome[];
  audit: readonly AuditEntry[];
}

/** [from, to): alerts raised at or after `from` and before `to`, epoch ms. */
export interface ReportPeriod {
  from: number;
  to: number;
}

/** A duration over the alerts it could be measured on: `count` of `of` alerts; median and p90 when count > 0. */
export interface DurationStat {
  count: number;
  of: number;
  medianMs?: number;
  p90Ms?: number;
}

/** Why dismissed alerts were dismissed (the card's reasons; `unspecified` when the trail names none). */
export type DismissCounts = Record<DismissReason | 'unspecified', number>;

/** Where the alerts of the period stand now. Resolved = contained ('actioned'), by the action that did it. */
export interface OutcomeCounts {
  open: number;
  acknowledged: number;
  resolved: number;
  resolvedBy: { suspend: number; 'revoke-sessions': number; other: number };
  dismissed: number;
  dismissedBy: DismissCounts;
}

export interface DetectionRow extends Omit<OutcomeCounts, 'resolvedBy' | 'dismissedBy'> {
  detection: string;
  total: number;
}

export interface TopUser {
  /** Atlassian account id. */
  id: string;
  /** Email, else name, else the account id. */
  label: string;
  alerts: number;
  detections: string[];
}

/** One concrete change that would quiet a noisy detection. */
export interface Tuning {
  /** Where it goes: a policy file field (VIGIL_POLICY_FILE) or an environment variable. */
  where: 'policy-file' | 'env';
  /** The field path or variable name, e.g. `detections.impossible-travel.sensitivity` or `VIGIL_TRUSTED_NETWORKS`. */
  setting: string;
  /** The value to set (a YAML scalar or list for the policy file, the variable's value for the environment). */
  value: string;
  /** Why this quiets it, in a few words. */
  why: string;
}

export interface NoisyDetection {
  detection: string;
  alerts: number;
  /** Dismissed as false positive or expected activity (benign). */
  noise: number;
  /** noise / alerts, 0..1. */
  share: number;
  tuning: Tuning[];
}

export interface Report {
  period: ReportPeriod;
  /** The alert channel the report is for (e.g. `#sec-alerts`), absent for the whole store (the CLI). */
  scope?: string;
  total: number;
  bySeverity: Record<'critical' | 'high' | 'medium' | 'low', number>;
  outcomes: OutcomeCounts;
  /** Most alerts first. */
  byDetection: DetectionRow[];
  /** From when an alert was raised to its first response: acknowledge, assign, or an action done. */
  timeToAcknowledge: DurationStat;
  /** From when an alert was raised to its first action done (notify, require re-sign-in, suspend, dismiss). */
  timeToAct: DurationStat;
  topUsers: TopUser[];
  noisy: NoisyDetection[];
  /** Alerts of the period left out because the scan limit was reached (0 normally). */
  notCounted: number;
  /** VIGIL_POLICY_FILE, named by the tuning suggestions. */
  policyFile?: string;
}

/**
 * One alert channel that takes the report (a channel plugin's optional `reportTargets`): the alerts it carries
 * are the ones routed to it, and it posts the report rendered for its platform.
 */
export interface ReportTarget {
  /** Stable, for the record of what was sent: `slack:C0123`, `teams`. */
  key: string;
  /** Shown in the report: the channel's name or id. */
  scope: string;
  /** Whether the alert was routed to this channel. */
  carries(alert: Alert): boolean;
  post(report: Report): Promise<void>;
}
