import { DISMISS_LABELS, EMPTY_TEXT, RESOLVED_LABELS, breakdown, detectionSummary, periodText, plural, severityText, tuningSetting, tuningWhere } from '../../report/labels.js';
import type { Report } from '../../report/model.js';
import { describeStat, percent } from '../../report/stats.js';
import type { Json } from './card.js';
import { plain } from './card-text.js';

/** FactSet rows listed (Teams shows at most 40 facts per set); the terminal report has them all. */
const MAX_ROWS = 20;
const MAX_NOISY = 5;

const heading = (text: string): Json => ({ type: 'TextBlock', text, weight: 'Bolder', wrap: true, spacing: 'Medium', separator: true });
/** plain() breaks markdown with zero-width spaces after truncating: the caps leave room under Teams' 200 / 2000. */
const facts = (rows: Array<[string, string]>): Json => ({ type: 'FactSet', facts: rows.map(([title, value]) => ({ title: plain(title, 120), value: plain(value, 1200) })) });

function detectionFacts(r: Report): Json[] {
  const rows = r.byDetection.slice(0, MAX_ROWS).map((d): [string, string] => [d.detection, detectionSummary(d)]);
  const rest = r.byDetection.length - MAX_ROWS;
  return [heading('By detection'), facts(rows), ...(rest > 0 ? [{ type: 'TextBlock', text: `…and ${plural(rest, 'more detection')}`, isSubtle: true, wrap: true }] : [])];
}

function noisyItems(r: Report): Json[] {
  if (r.noisy.length === 0) return [heading('Noisy detections'), { type: 'TextBlock', text: 'None: no detection had most of its alerts dismissed as false positive or benign.', wrap: true }];
  return [
    heading('Noisy detections'),
    ...r.noisy.slice(0, MAX_NOISY).map((n) => ({
      type: 'Container',
      spacing: 'Small',
      items: [
        { type: 'TextBlock', text: plain(`${n.detection}: ${n.noise} of ${plural(n.alerts, 'alert')} dismissed as false positive or benign (${percent(n.share)})`), weight: 'Bolder', wrap: true },
        ...n.tuning.map((t) => ({ type: 'TextBlock', text: plain(`• ${tuningSetting(t)} in the ${tuningWhere(t, r.policyFile)}: ${t.why}`, 1000), wrap: true, spacing: 'None' })),
      ],
    })),
  ];
}

/** The report as an Adaptive Card 1.5 (the subset Teams renders; outside text neutralised). Pure. */
export function renderReportCard(r: Report): Json {
  const body: Json[] = [
    { type: 'TextBlock', text: 'Vigil report', size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
    { type: 'TextBlock', text: plain(`${periodText(r)}${r.scope ? ` · ${r.scope}` : ''}`), isSubtle: true, wrap: true, spacing: 'None' },
  ];
  if (r.total === 0) body.push({ type: 'TextBlock', text: EMPTY_TEXT, wrap: true });
  else {
    const o = r.outcomes;
    const resolved = breakdown(o.resolvedBy, RESOLVED_LABELS);
    const dismissed = breakdown(o.dismissedBy, DISMISS_LABELS);
    body.push(
      facts([
        ['Alerts', `${r.total} (${severityText(r)})`],
        ['Open', String(o.open)],
        ['Acknowledged', String(o.acknowledged)],
        ['Resolved', `${o.resolved}${resolved ? ` (${resolved})` : ''}`],
        ['Dismissed', `${o.dismissed}${dismissed ? ` (${dismissed})` : ''}`],
        ['Time to acknowledge', describeStat(r.timeToAcknowledge)],
        ['Time to act', describeStat(r.timeToAct)],
      ]),
      ...detectionFacts(r),
      ...(r.topUsers.length > 0 ? [heading('Top users'), facts(r.topUsers.map((u): [string, string] => [u.label, `${plural(u.alerts, 'alert')} (${u.detections.join(', ')})`]))] : []),
      ...noisyItems(r),
      { type: 'TextBlock', text: 'Times count from when each alert was raised. vigil report --since 7d prints this report in a terminal.', isSubtle: true, wrap: true, size: 'Small' },
    );
  }
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', msteams: { width: 'Full' }, body };
}

/** The notification line Teams shows for the card. */
export const reportSummaryText = (r: Report) => plain(`Vigil report ${periodText(r)}: ${plural(r.total, 'alert')}, ${r.outcomes.open} open`, 200);
