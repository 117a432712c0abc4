import { z } from 'zod';
import { ActionRequest, type ActionKind, type ActionOutcome } from './action.js';
import { isUnresolved, type Alert, type AlertStatus } from './alert.js';

/**
 * The card state of one alert, rendered by every channel (Slack, Teams, SIEM, Jira): the alert, what was done to
 * it and by whom, and the affected user's answer. Built in one place (`buildAlertView`, loaded by the store's
 * `alertView`); the rules that turn it into buttons (live actions, settled states, dismiss reasons) are here
 * too, so every channel offers the same choices and the audit trail does not depend on the app clicked.
 */

/** The affected user's answer to "Was this you?", kept on the alert as `facts.userAnswer` by the actions layer. */
export const UserAnswer = z.object({ answer: z.enum(['yes', 'no']), by: ActionRequest.shape.by, at: z.number() });
export type UserAnswer = z.infer<typeof UserAnswer>;

/** One line of an alert's audit trail (who did what, when, with which result). */
export interface AuditEntry {
  at: number;
  alertId: string;
  what: string;
  by: string;
  outcome: string;
  detail: Record<string, unknown>;
}

export interface AlertView {
  alert: Alert;
  /** Latest outcome per action kind (notify, revoke-sessions, suspend, ...). */
  outcomes: ActionOutcome[];
  audit: AuditEntry[];
  /** The affected user's answer, parsed from the alert's facts (absent when none or malformed). */
  answer?: UserAnswer;
  /** VIGIL_DRY_RUN: cards must say that no action is performed for real. */
  dryRun: boolean;
}

/** Every action kind whose latest outcome a card shows, in card order. */
export const CARD_ACTION_KINDS: readonly ActionKind[] = ['notify', 'revoke-sessions', 'suspend', 'unsuspend', 'dismiss'];

/** The user's answer on an alert, if a valid one is recorded (the facts are free-form). */
export function userAnswerOf(alert: Alert): UserAnswer | undefined {
  const parsed = UserAnswer.safeParse(alert.facts.userAnswer);
  return parsed.success ? parsed.data : undefined;
}

/** The view from what the store holds; `fresh` (an outcome just returned) is laid over the stored ones. */
export function buildAlertView(alert: Alert, stored: { outcomes: ActionOutcome[]; audit: AuditEntry[] }, dryRun: boolean, fresh?: ActionOutcome): AlertView {
  const outcomes = fresh ? [...stored.outcomes.filter((o) => o.kind !== fresh.kind), fresh] : stored.outcomes;
  const answer = userAnswerOf(alert);
  return { alert, outcomes, audit: stored.audit, dryRun, ...(answer ? { answer } : {}) };
}

/**
 * Outcomes after which the same button would do nothing new. Failed and refused keep the button (retry);
 * pending-approval keeps it for the second responder (four-eyes).
 */
export const SETTLED_STATUSES: ReadonlySet<ActionOutcome['status']> = new Set(['done', 'dry-run']);

export function isSettled(view: Pick<AlertView, 'outcomes'>, kind: ActionKind): boolean {
  return view.outcomes.some((o) => o.kind === kind && SETTLED_STATUSES.has(o.status));
}

/** Actor ids of alerts whose subject is a source IP, not a person (password spray): `ip:<address>`. */
export const IP_SUBJECT_PREFIX = 'ip:';
export const isIpSubject = (alert: Pick<Alert, 'actor'>): boolean => alert.actor.id.startsWith(IP_SUBJECT_PREFIX);

/**
 * The actions that still apply, in card order: none once dismissed; an action whose outcome is done (or
 * simulated) is gone; dismiss is gone once the user was contained or the alert actioned. An alert about a source
 * IP offers only dismiss: there is no one to notify or suspend (the accounts it names have their own alerts).
 */
export function liveActions(view: Pick<AlertView, 'alert' | 'outcomes'>): ActionKind[] {
  const { alert } = view;
  if (alert.status === 'dismissed' || isSettled(view, 'dismiss')) return [];
  if (isIpSubject(alert)) return ['dismiss'];
  const contained = view.outcomes.some((o) => (o.kind === 'suspend' || o.kind === 'revoke-sessions') && o.status === 'done');
  const out = (['notify', 'revoke-sessions', 'suspend'] as const).filter((k) => !isSettled(view, k)) as ActionKind[];
  if (alert.status !== 'actioned' && !contained) out.push('dismiss');
  return out;
}

/**
 * Why a responder dismissed an alert: one list for every chat app. Teams' list won over Slack's (which had
 * "Resolved" and no "Duplicate"/"Other"): a dismissal takes no action, so "resolved" muddled it with alerts that
 * were acted on, while duplicates are a common triage answer worth counting apart.
 */
export const DISMISS_REASONS = [
  { value: 'false-positive', label: 'False positive' },
  { value: 'benign', label: 'Expected activity (benign)' },
  { value: 'duplicate', label: 'Duplicate of another alert' },
  { value: 'other', label: 'Other' },
] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number]['value'];

/** The reason recorded in the outcome and the audit trail: the label, then the responder's note if any. */
export function dismissReasonText(value: string | undefined, note?: string): string | undefined {
  const label = DISMISS_REASONS.find((r) => r.value === value)?.label;
  const text = [label, note?.trim()].filter(Boolean).join(': ');
  return text || undefined;
}

/** How every card and list names a status ('actioned' is an alert contained by an action: resolved). */
export const STATUS_LABEL: Record<AlertStatus, string> = { open: 'Open', acknowledged: 'Acknowledged', 'in-progress': 'In progress', actioned: 'Resolved', dismissed: 'Dismissed' };

/** Whether the card offers Acknowledge (nobody owns the alert yet) and Assign… (anyone may hand it on while it is unresolved). */
export function ownershipActions(view: Pick<AlertView, 'alert' | 'outcomes'>): { acknowledge: boolean; assign: boolean } {
  const live = isUnresolved(view.alert.status) && !isSettled(view, 'dismiss');
  return { acknowledge: live && !view.alert.owner, assign: live };
}

/** Minutes an alert went unacknowledged before its reminder (level 1) or escalation (level 2), from when it was raised. */
export function unacknowledgedMinutes(alert: Alert, at: number): number {
  return Math.max(0, Math.round((at - (alert.createdAt ?? alert.firstSeen)) / 60_000));
}
