import { buildHome, loadHomeData, type HomeAlert, type HomeReport, type StatusInfo } from '../../chat-commands/index.js';
import type { Store } from '../../store/store.js';
import type { Json } from './card.js';
import { SEVERITY_BADGE, STATUS_LABEL, plain, utc } from './card-text.js';
import { card, facts, renderCommandCard, renderNoticeCard, text } from './command-cards.js';

/**
 * The Teams home (`home` in a personal chat): the same content as the Slack App Home tab, as an Adaptive Card
 * 1.5 drawn from the channel-agnostic HomeReport. Pure; every outside string goes through `plain`.
 */

function person(p: { platform: string; id: string; name?: string }): string {
  return plain(p.name ?? p.id, 80);
}

function ownerText(a: HomeAlert): string {
  const o = a.owner;
  if (!o) return a.status === 'open' ? 'nobody has taken it' : STATUS_LABEL[a.status];
  const who = a.mine ? 'you' : person(o);
  return o.assignedBy ? `assigned to ${who} by ${person(o.assignedBy)} since ${utc(o.at)}` : `acknowledged by ${who} since ${utc(o.at)}`;
}

function alertItem(a: HomeAlert): Json {
  return {
    type: 'Container',
    separator: true,
    items: [
      text(`${a.mine ? '⭐ ' : ''}${SEVERITY_BADGE[a.severity]} **${plain(a.title, 200)}**`),
      text(`${plain(a.who, 120)} · ${plain(a.detection, 100)} · last seen ${utc(a.lastSeen)} · ${ownerText(a)}`, { isSubtle: true, spacing: 'None' }),
    ],
  };
}

export function renderHomeCard(r: HomeReport): Json {
  const mine = r.mine > 0 ? ` · **${r.mine} yours**` : '';
  const summary = r.openTotal === 0 ? 'No open alerts. 🎉' : `**${r.openTotal} open** (${r.acknowledged} acknowledged)${mine}`;
  const body: Json[] = [text(summary), text(`Updated ${utc(r.now)}`, { isSubtle: true, spacing: 'None' }), ...r.alerts.map(alertItem)];
  if (r.openTotal > r.alerts.length) body.push(text(`…and ${r.openTotal - r.alerts.length} more: \`alerts\` lists them.`, { isSubtle: true }));
  body.push(text(`**Alerts by detection** (${r.totals.last7d} in 7 days · ${r.totals.last30d} in 30 days)`, { separator: true }));
  if (r.counts.length === 0) body.push(text('No alerts in the last 30 days.', { isSubtle: true }));
  const rows: Array<[string, string]> = r.counts.map((c) => [c.detection, `${c.last7d} in 7 days · ${c.last30d} in 30 days`]);
  if (r.otherDetections > 0) rows.push(['Other detections', String(r.otherDetections)]);
  body.push(...facts(rows));
  // Health: the status card's facts (last sweep, store, integrations), under its own heading.
  const status = renderCommandCard(r.status) as { body: Json[] };
  body.push(text('**Health**', { separator: true }), ...status.body.slice(1));
  return card('Vigil: open alerts', body);
}

/**
 * `home` from a responder (the caller checked): their home in a personal chat; in a channel, where it would show
 * "yours" to everyone, a pointer to the personal chat.
 */
export async function teamsHome(
  activity: { conversation?: { conversationType?: string }; from: { aadObjectId?: string } },
  deps: { store: Store; status: () => Promise<StatusInfo>; now?: () => number },
): Promise<Json> {
  if (activity.conversation?.conversationType !== 'personal' || !activity.from.aadObjectId)
    return renderNoticeCard('Home is personal', ['Write "home" to Vigil in a personal chat: it lists the open alerts with yours first.']);
  const now = (deps.now ?? Date.now)();
  return renderHomeCard(buildHome(await loadHomeData(deps), { platform: 'teams', id: activity.from.aadObjectId }, now));
}
