import type { DetectionRow, DismissCounts, OutcomeCounts, Report, Tuning } from './model.js';

/** Words shared by every rendering of the report (terminal, Slack, Teams). */

export const DISMISS_LABELS: Record<keyof DismissCounts, string> = {
  'false-positive': 'false positive',
  benign: 'benign',
  duplicate: 'duplicate',
  other: 'other',
  unspecified: 'no reason given',
};
export const RESOLVED_LABELS: Record<keyof OutcomeCounts['resolvedBy'], string> = { suspend: 'suspended', 'revoke-sessions': 'sessions revoked', other: 'other' };

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}`;
/** "2026-11-23 08:00 → 2026-11-30 08:00 UTC". */
export const periodText = (r: Pick<Report, 'period'>) => `${utc(r.period.from)} → ${utc(r.period.to)} UTC`;

/** "false positive 12, benign 5" (non-zero counts only), or "" when all are zero. */
export function breakdown<K extends string>(counts: Record<K, number>, labels: Record<K, string>): string {
  return (Object.keys(labels) as K[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${labels[k]} ${counts[k]}`)
    .join(', ');
}

/** "2 critical, 10 high, 25 medium" (non-zero only). */
export const severityText = (r: Pick<Report, 'bySeverity'>) =>
  (['critical', 'high', 'medium', 'low'] as const)
    .filter((s) => r.bySeverity[s] > 0)
    .map((s) => `${r.bySeverity[s]} ${s}`)
    .join(', ');

/** The setting as the operator writes it: `detections.x.sensitivity: low` in the policy file, or `VAR=value`. */
export const tuningSetting = (t: Tuning) => (t.where === 'env' ? `${t.setting}=${t.value}` : `${t.setting}: ${t.value}`);
/** Where it goes: "policy file ./policy.yaml", "policy file (set VIGIL_POLICY_FILE)", "environment". */
export const tuningWhere = (t: Tuning, policyFile: string | undefined) =>
  t.where === 'env' ? 'environment' : policyFile ? `policy file ${policyFile}` : 'policy file (set VIGIL_POLICY_FILE)';

/** The report with nothing in it says so plainly. */
export const EMPTY_TEXT = 'No alerts were raised in this period.';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "4 alerts: 1 open · 3 dismissed". */
export function detectionSummary(d: DetectionRow): string {
  const parts = [d.open && `${d.open} open`, d.acknowledged && `${d.acknowledged} acknowledged`, d.resolved && `${d.resolved} resolved`, d.dismissed && `${d.dismissed} dismissed`].filter(Boolean);
  return `${plural(d.total, 'alert')}: ${parts.join(' · ')}`;
}
