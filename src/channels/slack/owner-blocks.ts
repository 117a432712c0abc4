import type { Button, UsersSelect } from '@slack/types';
import { SEVERITY_RANK, unacknowledgedMinutes, type Alert, type AlertOwner, type Responder } from '../../domain/index.js';
import { ACTION } from './ids.js';
import { LIMITS, esc, mention, slackDate, truncate } from './text.js';

/** A responder as Slack shows them: a mention for a Slack user (it renders their current name), else their name. */
export function slackWho(r: Responder): string {
  return r.platform === 'slack' ? mention(r.id) : esc(r.name ?? `${r.platform} user`, 100);
}

/** "👤 *Acknowledged* by @alice at 14:02" / "👤 *Assigned* to @bob by @alice at 14:05". */
export function ownerLine(owner: AlertOwner | undefined): string | undefined {
  if (!owner) return undefined;
  const at = slackDate(owner.at, '{date_short_pretty} {time}');
  if (owner.assignedBy && !(owner.assignedBy.platform === owner.who.platform && owner.assignedBy.id === owner.who.id))
    return `👤 *Assigned* to ${slackWho(owner.who)} by ${slackWho(owner.assignedBy)} since ${at}`;
  return `👤 *Acknowledged* by ${slackWho(owner.who)} since ${at}`;
}

/** "⏰ *Escalated* at 14:30: nobody acknowledged it for 30 min" (level 2) or the thread reminder (level 1). */
export function escalationLine(alert: Alert): string | undefined {
  const e = alert.escalation;
  if (!e) return undefined;
  if (e.level === 2 && e.escalatedAt !== undefined)
    return `⏰ *Escalated* at ${slackDate(e.escalatedAt, '{time}')}: nobody acknowledged it for ${unacknowledgedMinutes(alert, e.escalatedAt)} min`;
  return `⏰ *Reminder* sent at ${slackDate(e.remindedAt, '{time}')}: not acknowledged for ${unacknowledgedMinutes(alert, e.remindedAt)} min`;
}

export function acknowledgeButton(alertId: string): Button {
  return {
    type: 'button',
    action_id: ACTION.acknowledge,
    text: { type: 'plain_text', text: '✋ Acknowledge', emoji: true },
    value: truncate(alertId, LIMITS.buttonValue),
  };
}

/**
 * "Assign…": a user picker. Slack cannot limit a users_select to a list, so the handler checks the picked user
 * against SLACK_RESPONDERS and refuses anyone else (and says so). The alert is named by the actions block's id.
 */
export function assignSelect(): UsersSelect {
  return { type: 'users_select', action_id: ACTION.assign, placeholder: { type: 'plain_text', text: 'Assign…' } };
}

/** The alert id from the actions block id `a:<alert id>:<revision tag>` (the tag has no colon). */
export function alertIdFromBlockId(blockId: string | undefined): string | undefined {
  if (!blockId?.startsWith('a:')) return undefined;
  const end = blockId.lastIndexOf(':');
  return end > 2 ? blockId.slice(2, end) : undefined;
}

/** Level 1, in the alert's thread: the responders are asked again. */
export function renderReminder(alert: Alert, at: number, pings: string[]): string {
  const who = pings.length > 0 ? `${pings.join(' ')} ` : '';
  return `⏰ ${who}this *${alert.severity}* alert has not been acknowledged for ${unacknowledgedMinutes(alert, at)} min. Press *Acknowledge* to take it, or *Assign…* it to someone.`;
}

/** Level 2, in the escalation channel: what, how long, and where the card is. */
export function renderEscalation(alert: Alert, at: number, pings: string[], link: string | undefined): string {
  const who = pings.length > 0 ? `${pings.join(' ')} ` : '';
  const sev = SEVERITY_RANK[alert.severity] >= SEVERITY_RANK.high ? '🚨' : '⏰';
  const where = link ? ` <${link}|Open the alert>` : '';
  return `${sev} ${who}*Escalation*: the *${alert.severity}* alert "${esc(alert.title, 300)}" has not been acknowledged for ${unacknowledgedMinutes(alert, at)} min.${where}`;
}
