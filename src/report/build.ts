import { DISMISS_REASONS, isIpSubject, type Alert, type DismissReason } from '../domain/index.js';
import type { DetectionRow, DismissCounts, OutcomeCounts, Report, ReportItem, ReportPeriod, TopUser } from './model.js';
import { durationStat } from './stats.js';
import { noisyDetections, type TuningContext } from './tuning.js';

/** Action kinds that count as acting on an alert (unsuspend undoes one; it is never the first response). */
const ACTING_KINDS: ReadonlySet<string> = new Set(['notify', 'revoke-sessions', 'suspend', 'dismiss']);
/** Audit lines that take an alert: the responder's own acknowledge, or another responder's assign. */
const TAKING: ReadonlySet<string> = new Set(['acknowledge', 'assign']);

export interface BuildInput extends TuningContext {
  period: ReportPeriod;
  items: readonly ReportItem[];
  scope?: string;
  /** Alerts of the period left out by the loader's scan limit. */
  notCounted?: number;
  /** How many top users (default 5). */
  topUsers?: number;
}

/**
 * When an alert was raised: `createdAt` (stamped by the store when it first stored the alert), else the time of
 * its first event (alerts stored before createdAt existed).
 */
export const raisedAt = (a: Pick<Alert, 'createdAt' | 'firstSeen'>): number => a.createdAt ?? a.firstSeen;

/** The earliest of `times`, by a loop (spreading a long array into Math.min overflows the stack). */
const earliest = (times: readonly number[]): number | undefined => times.reduce<number | undefined>((m, t) => (m === undefined || t < m ? t : m), undefined);

/** The first action done on the alert (outcome or audit line), epoch ms. */
function firstActed(item: ReportItem): number | undefined {
  const times = [
    ...item.outcomes.filter((o) => o.status === 'done' && ACTING_KINDS.has(o.kind)).map((o) => o.at),
    ...item.audit.filter((r) => r.outcome === 'done' && ACTING_KINDS.has(r.what)).map((r) => r.at),
  ];
  return earliest(times);
}

/** The first response: taken (acknowledge, assign, the owner's time) or acted on, whichever came first. */
function firstResponse(item: ReportItem): number | undefined {
  const times = item.audit.filter((r) => r.outcome === 'done' && TAKING.has(r.what)).map((r) => r.at);
  if (item.alert.owner) times.push(item.alert.owner.at);
  const acted = firstActed(item);
  if (acted !== undefined) times.push(acted);
  return earliest(times);
}

/** Why a dismissed alert was dismissed: the reason on its dismiss audit line (the card's label, maybe with a note). */
export function dismissReasonOf(item: ReportItem): DismissReason | 'unspecified' {
  const line = [...item.audit].reverse().find((r) => r.what === 'dismiss' && r.outcome === 'done');
  const reason = typeof line?.detail.reason === 'string' ? line.detail.reason.trim() : '';
  if (reason === '') return 'unspecified';
  const known = DISMISS_REASONS.find((r) => reason === r.value || reason === r.label || reason.startsWith(`${r.label}:`));
  return known?.value ?? 'other';
}

/** What contained an actioned alert: suspend over revoke-sessions when both are done. */
function containedBy(item: ReportItem): 'suspend' | 'revoke-sessions' | 'other' {
  const done = (kind: string) => item.outcomes.some((o) => o.kind === kind && o.status === 'done');
  return done('suspend') ? 'suspend' : done('revoke-sessions') ? 'revoke-sessions' : 'other';
}

const emptyDismiss = (): DismissCounts => ({ 'false-positive': 0, benign: 0, duplicate: 0, other: 0, unspecified: 0 });
const emptyOutcomes = (): OutcomeCounts => ({ open: 0, acknowledged: 0, resolved: 0, resolvedBy: { suspend: 0, 'revoke-sessions': 0, other: 0 }, dismissed: 0, dismissedBy: emptyDismiss() });

/** Count one alert into the totals and its detection's row. */
function countOutcome(item: ReportItem, totals: OutcomeCounts, row: DetectionRow): void {
  switch (item.alert.status) {
    case 'acknowledged':
      totals.acknowledged++;
      row.acknowledged++;
      return;
    case 'actioned':
      totals.resolved++;
      row.resolved++;
      totals.resolvedBy[containedBy(item)]++;
      return;
    case 'dismissed':
      totals.dismissed++;
      row.dismissed++;
      totals.dismissedBy[dismissReasonOf(item)]++;
      return;
    default: // open, in-progress
      totals.open++;
      row.open++;
  }
}

function topUsers(items: readonly ReportItem[], limit: number): TopUser[] {
  const users = new Map<string, TopUser & { set: Set<string> }>();
  for (const { alert: a } of items) {
    if (isIpSubject(a)) continue; // a password spray's subject is an IP, not a user
    const u = users.get(a.actor.id) ?? { id: a.actor.id, label: a.actor.email ?? a.actor.name ?? a.actor.id, alerts: 0, detections: [], set: new Set<string>() };
    u.alerts++;
    u.set.add(a.detection);
    users.set(a.actor.id, u);
  }
  return [...users.values()]
    .sort((x, y) => y.alerts - x.alerts || x.label.localeCompare(y.label))
    .slice(0, limit)
    .map(({ set, ...u }) => ({ ...u, detections: [...set].sort() }));
}

/** The report of the alerts raised in `period`, from what the store holds about each. Pure. */
export function buildReport(input: BuildInput): Report {
  const { from, to } = input.period;
  const items = input.items.filter((i) => raisedAt(i.alert) >= from && raisedAt(i.alert) < to);
  const outcomes = emptyOutcomes();
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 };
  const rows = new Map<string, DetectionRow>();
  const ack: number[] = [];
  const act: number[] = [];
  for (const item of items) {
    const a = item.alert;
    bySeverity[a.severity]++;
    const row = rows.get(a.detection) ?? { detection: a.detection, total: 0, open: 0, acknowledged: 0, resolved: 0, dismissed: 0 };
    row.total++;
    rows.set(a.detection, row);
    countOutcome(item, outcomes, row);
    const responded = firstResponse(item);
    if (responded !== undefined) ack.push(Math.max(0, responded - raisedAt(a)));
    const acted = firstActed(item);
    if (acted !== undefined) act.push(Math.max(0, acted - raisedAt(a)));
  }
  return {
    period: { from, to },
    ...(input.scope ? { scope: input.scope } : {}),
    total: items.length,
    bySeverity,
    outcomes,
    byDetection: [...rows.values()].sort((x, y) => y.total - x.total || x.detection.localeCompare(y.detection)),
    timeToAcknowledge: durationStat(ack, items.length),
    timeToAct: durationStat(act, items.length),
    topUsers: topUsers(items, input.topUsers ?? 5),
    noisy: noisyDetections(items, input, dismissReasonOf),
    notCounted: input.notCounted ?? 0,
    ...(input.policyFile ? { policyFile: input.policyFile } : {}),
  };
}
