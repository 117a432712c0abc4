import type { KnownBlock } from '@slack/types';
import { DISMISS_LABELS, EMPTY_TEXT, RESOLVED_LABELS, breakdown, detectionSummary, periodText, plural, severityText, tuningSetting, tuningWhere } from '../../report/labels.js';
import type { Report, ReportTarget } from '../../report/model.js';
import { describeStat, percent } from '../../report/stats.js';
import { routeAlert, type SlackRoutes } from './routing.js';
import type { SlackSender } from './sender.js';
import { LIMITS, esc, plain } from './text.js';

/** Detections listed in the message (the rest are counted in one line); the terminal report has them all. */
const MAX_DETECTIONS = 15;
const MAX_NOISY = 5;

const field = (title: string, value: string) => ({ type: 'mrkdwn' as const, text: esc(`*${title}*\n${value}`, LIMITS.fieldText) });
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, LIMITS.sectionText) } });

/** Lines escaped one by one and joined until the section's limit: a cut never splits an entity or a line. */
function lines(items: string[], more: string | undefined): string {
  let out = '';
  for (const l of items) {
    if (out.length + l.length + 1 > LIMITS.sectionText - 40) return `${out}\n…`;
    out += `${out ? '\n' : ''}${l}`;
  }
  return more ? `${out}\n${more}` : out;
}

function detectionLines(r: Report): string {
  const rows = r.byDetection.slice(0, MAX_DETECTIONS).map((d) => `\`${esc(d.detection, 120)}\`  ${detectionSummary(d)}`);
  const rest = r.byDetection.length - MAX_DETECTIONS;
  return lines(['*By detection*', ...rows], rest > 0 ? `…and ${plural(rest, 'more detection')}` : undefined);
}

function noisyBlocks(r: Report): KnownBlock[] {
  if (r.noisy.length === 0) return [section('*Noisy detections*\nNone: no detection had most of its alerts dismissed as false positive or benign.')];
  return r.noisy.slice(0, MAX_NOISY).map((n, i) => {
    const head = `\`${esc(n.detection, 120)}\`: ${n.noise} of ${plural(n.alerts, 'alert')} dismissed as false positive or benign (${percent(n.share)})`;
    const tips = n.tuning.map((t) => `• \`${esc(tuningSetting(t), 400)}\` in the ${esc(tuningWhere(t, r.policyFile), 300)}: ${esc(t.why, 300)}`);
    return section(lines([...(i === 0 ? ['*Noisy detections*'] : []), head, ...tips], undefined));
  });
}

/** The report as a Slack message (Block Kit within its limits; every outside string escaped). Pure. */
export function renderReportMessage(r: Report): { text: string; blocks: KnownBlock[] } {
  const when = periodText(r);
  const scope = r.scope ? ` · ${r.scope}` : '';
  const text = plain(`Vigil report ${when}${scope}: ${plural(r.total, 'alert')}, ${r.outcomes.open} open`, LIMITS.fallback);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plain('Vigil report', LIMITS.header) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: esc(`${when}${scope}`, LIMITS.contextText) }] },
  ];
  if (r.total === 0) return { text, blocks: [...blocks, section(EMPTY_TEXT)] };
  const o = r.outcomes;
  const resolved = breakdown(o.resolvedBy, RESOLVED_LABELS);
  const dismissed = breakdown(o.dismissedBy, DISMISS_LABELS);
  blocks.push(
    {
      type: 'section',
      fields: [
        field('Alerts', `${r.total} (${severityText(r)})`),
        field('Open', String(o.open)),
        field('Acknowledged', String(o.acknowledged)),
        field('Resolved', `${o.resolved}${resolved ? ` (${resolved})` : ''}`),
        field('Dismissed', `${o.dismissed}${dismissed ? ` (${dismissed})` : ''}`),
        field('Time to acknowledge', describeStat(r.timeToAcknowledge)),
        field('Time to act', describeStat(r.timeToAct)),
      ],
    },
    { type: 'divider' },
    section(detectionLines(r)),
  );
  if (r.topUsers.length > 0) blocks.push(section(lines(['*Top users*', ...r.topUsers.map((u) => `${esc(u.label, 200)}: ${plural(u.alerts, 'alert')} (${esc(u.detections.join(', '), 400)})`)], undefined)));
  blocks.push({ type: 'divider' }, ...noisyBlocks(r));
  const notes = ['Times count from when each alert was raised. `vigil report --since 7d` prints this report in a terminal.'];
  if (r.notCounted > 0) notes.push(`Up to ${r.notCounted} older alerts were not read (the report reads the newest 5,000).`);
  blocks.push({ type: 'context', elements: notes.map((n) => ({ type: 'mrkdwn' as const, text: n })) });
  return { text, blocks };
}

/**
 * One report target per distinct alert channel: SLACK_ALERT_CHANNEL and every channel of SLACK_CHANNEL_ROUTES,
 * each counting the alerts routed to it (by the routes as they are now). Posts through the paced sender.
 */
export function slackReportTargets(routes: SlackRoutes, sender: Pick<SlackSender, 'post'>): ReportTarget[] {
  const channels = [...new Set([routes.fallback, ...routes.bySeverity.values(), ...routes.byDetection.values()])];
  return channels.map((channel) => ({
    key: `slack:${channel}`,
    scope: channel,
    carries: (alert) => routeAlert(routes, alert) === channel,
    post: async (report) => void (await sender.post(channel, renderReportMessage(report))),
  }));
}
