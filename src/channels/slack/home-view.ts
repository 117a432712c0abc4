import type { HomeView, KnownBlock } from '@slack/types';
import type { HomeAlert, HomeReport } from '../../chat-commands/index.js';
import { SEVERITY_EMOJI } from './blocks.js';
import { renderCommandResult } from './render-commands.js';
import { LIMITS, esc, fitLines, mention, plain, slackDate } from './text.js';

/**
 * The Slack App Home tab of a responder (views.publish): open and acknowledged alerts (theirs first), counts by
 * detection over 7 and 30 days, the last sweep and integration health. Pure, from the channel-agnostic
 * HomeReport; every outside string is escaped. A home view holds at most 100 blocks; this one stays under 30.
 */

export const HOME_CALLBACK_ID = 'vigil_home';

const STATUS: Record<string, string> = { open: 'Open', acknowledged: 'Acknowledged', 'in-progress': 'In progress' };
const section = (text: string, blockId?: string): KnownBlock => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: { type: 'mrkdwn', text: fitLines(text.split('\n'), LIMITS.sectionText) },
});
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: fitLines(text.split('\n'), LIMITS.contextText) }] });
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: plain(text, LIMITS.header) } });

function person(p: { platform: string; id: string; name?: string }): string {
  return p.platform === 'slack' ? mention(p.id) : esc(p.name ?? p.id, 100);
}

function ownerText(a: HomeAlert): string {
  const o = a.owner;
  if (!o) return a.status === 'open' ? 'nobody has taken it' : (STATUS[a.status] ?? esc(a.status, 40));
  const who = a.mine ? 'you' : person(o);
  const since = `since ${slackDate(o.at)}`;
  return o.assignedBy ? `Assigned to ${who} by ${person(o.assignedBy)} ${since}` : `Acknowledged by ${who} ${since}`;
}

function alertBlock(a: HomeAlert): KnownBlock {
  const mark = a.mine ? '⭐ ' : '';
  const lines = [
    `${mark}${SEVERITY_EMOJI[a.severity]} *${esc(a.title, 400)}*`,
    `${esc(a.who, 200)} · \`${esc(a.detection, 100)}\` · last seen ${slackDate(a.lastSeen)} · ${ownerText(a)}`,
  ];
  // block ids are ours (the alert id is a hash), bounded anyway; they keep Slack's re-render stable.
  return section(lines.join('\n'), `home:${a.id}`.slice(0, LIMITS.blockId));
}

function countsBlock(r: HomeReport): KnownBlock {
  if (r.counts.length === 0) return section('*Last 30 days*\nNo alerts.');
  const lines = r.counts.map((c) => `• \`${esc(c.detection, 100)}\`: ${c.last7d} in 7 days · ${c.last30d} in 30 days`);
  if (r.otherDetections > 0) lines.push(`• ${r.otherDetections} other detection${r.otherDetections === 1 ? '' : 's'}`);
  return section(`*Alerts by detection* (${r.totals.last7d} in 7 days · ${r.totals.last30d} in 30 days)\n${lines.join('\n')}`);
}

/** The home of a responder. */
export function renderHomeView(r: HomeReport): HomeView {
  const mine = r.mine > 0 ? ` · *${r.mine} yours*` : '';
  const summary = r.openTotal === 0 ? 'No open alerts. 🎉' : `*${r.openTotal} open* (${r.acknowledged} acknowledged)${mine}`;
  const blocks: KnownBlock[] = [header('Vigil: open alerts'), section(summary), context(`Updated ${slackDate(r.now)}`)];
  if (r.alerts.length > 0) blocks.push({ type: 'divider' }, ...r.alerts.map(alertBlock));
  if (r.openTotal > r.alerts.length) blocks.push(context(`…and ${r.openTotal - r.alerts.length} more: \`/vigil alerts\` lists them.`));
  blocks.push({ type: 'divider' }, countsBlock(r), { type: 'divider' }, ...renderCommandResult(r.status).blocks);
  return { type: 'home', callback_id: HOME_CALLBACK_ID, blocks };
}

/** What a Slack user who is not a responder sees on the Home tab: no alert data. */
export function renderNotResponderHome(): HomeView {
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    blocks: [
      header('Vigil'),
      section(
        'You are not a Vigil responder, so this tab shows no alerts.\nVigil posts Atlassian security alerts to the security channel; the responders named in `SLACK_RESPONDERS` triage them here. Ask your security team if you should be one.',
      ),
    ],
  };
}
