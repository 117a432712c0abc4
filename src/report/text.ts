import { terminalSafe as safe } from '../lib/terminal-safe.js';
import { DISMISS_LABELS, EMPTY_TEXT, RESOLVED_LABELS, breakdown, periodText, severityText, tuningSetting, tuningWhere } from './labels.js';
import type { Report } from './model.js';
import { describeStat, percent } from './stats.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const num = (s: number, n: number) => String(s).padStart(n);

function detectionTable(r: Report): string[] {
  const w = r.byDetection.reduce((m, d) => Math.max(m, safe(d.detection).length), 20);
  const head = `  ${pad('detection', w)}  ${['alerts', 'open', 'ack', 'resolved', 'dismissed'].map((h) => h.padStart(10)).join('')}`;
  const rows = r.byDetection.map((d) => `  ${pad(safe(d.detection), w)}  ${[d.total, d.open, d.acknowledged, d.resolved, d.dismissed].map((n) => num(n, 10)).join('')}`);
  return [head, ...rows];
}

/** The report for a terminal (`vigil report`): plain text, outside strings shown, never obeyed. */
export function formatReportText(r: Report): string {
  const lines = [`Vigil report · ${periodText(r)}${r.scope ? ` · ${safe(r.scope)}` : ''}`];
  if (r.total === 0) return [...lines, EMPTY_TEXT, ''].join('\n');
  lines.push(`${r.total} alert${r.total === 1 ? '' : 's'}: ${severityText(r)}`);
  if (r.notCounted > 0) lines.push(`(up to ${r.notCounted} older alerts were not read: the report reads at most the newest 5,000)`);
  const o = r.outcomes;
  const resolved = breakdown(o.resolvedBy, RESOLVED_LABELS);
  const dismissed = breakdown(o.dismissedBy, DISMISS_LABELS);
  lines.push(
    '',
    'Outcome',
    `  open           ${num(o.open, 5)}`,
    `  acknowledged   ${num(o.acknowledged, 5)}`,
    `  resolved       ${num(o.resolved, 5)}${resolved ? `   (${resolved})` : ''}`,
    `  dismissed      ${num(o.dismissed, 5)}${dismissed ? `   (${dismissed})` : ''}`,
    '',
    `Time to acknowledge  ${describeStat(r.timeToAcknowledge)}`,
    `Time to act          ${describeStat(r.timeToAct)}`,
    '',
    'By detection',
    ...detectionTable(r),
  );
  if (r.topUsers.length > 0) {
    const w = r.topUsers.reduce((m, u) => Math.max(m, safe(u.label).length), 0);
    lines.push('', 'Top users', ...r.topUsers.map((u) => `  ${pad(safe(u.label), w)}  ${num(u.alerts, 4)}  ${u.detections.map(safe).join(', ')}`));
  }
  lines.push('', 'Noisy detections');
  if (r.noisy.length === 0) lines.push('  none: no detection had most of its alerts dismissed as false positive or benign');
  for (const n of r.noisy) {
    lines.push(`  ${safe(n.detection)}: ${n.noise} of ${n.alerts} alerts dismissed as false positive or benign (${percent(n.share)})`);
    for (const t of n.tuning) lines.push(`    - ${safe(tuningWhere(t, r.policyFile))}: ${safe(tuningSetting(t))}`, `      ${safe(t.why)}`);
  }
  return [...lines, ''].join('\n');
}
