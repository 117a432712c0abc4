import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import { DISMISS_REASONS, STATUS_LABEL, alertLink, liveActions, ownershipActions, type ActionKind, type ActionOutcome, type Alert, type AlertView, type Severity, type UserAnswer } from '../../domain/index.js';
import { ACTION } from './ids.js';
import { acknowledgeButton, assignSelect, escalationLine, ownerLine } from './owner-blocks.js';
import { LIMITS, esc, mention, plain, slackDate, truncate } from './text.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };
const ACTION_LABEL: Record<ActionKind, string> = {
  notify: 'Notify user',
  'revoke-sessions': 'Require re-sign-in',
  suspend: 'Suspend user',
  unsuspend: 'Unsuspend user',
  dismiss: 'Dismiss',
};
const DONE_LABEL: Record<ActionKind, string> = {
  notify: 'User notified',
  'revoke-sessions': 'Re-sign-in required',
  suspend: 'Suspended',
  unsuspend: 'Unsuspended',
  dismiss: 'Dismissed',
};
export const DRY_RUN_NOTE = 'dry run: nothing was changed';

export function actionLabel(kind: ActionKind): string {
  return ACTION_LABEL[kind];
}

function who(by: ActionOutcome['by']): string {
  return by.platform === 'slack' ? mention(by.id) : esc(by.name ?? by.id, 100);
}

/** One line per outcome, e.g. "✅ *Suspended* by @alice at 14:02: done". Never claims more than the status says. */
export function outcomeLine(o: ActionOutcome): string {
  const at = slackDate(o.at, '{time}');
  const msg = o.message ? `: ${esc(o.message.trim().replace(/\.+$/, ''), 600)}` : '';
  switch (o.status) {
    case 'done':
      return `✅ *${DONE_LABEL[o.kind]}* by ${who(o.by)} at ${at}${msg}`;
    case 'dry-run':
      return `🧪 *${ACTION_LABEL[o.kind]}*: ${DRY_RUN_NOTE} (requested by ${who(o.by)} at ${at})${msg}`;
    case 'failed':
      return `⚠️ *${ACTION_LABEL[o.kind]}* by ${who(o.by)} at ${at} *failed*${msg}. Press the button again to retry, or act in the Microsoft Entra admin center.`;
    case 'refused':
      return `⛔ *${ACTION_LABEL[o.kind]}* refused (requested by ${who(o.by)} at ${at})${msg}`;
    case 'pending-approval':
      return `⏳ *${ACTION_LABEL[o.kind]}* awaits approval (requested by ${who(o.by)} at ${at})${msg}`;
    case 'unknown':
      return `❓ *${ACTION_LABEL[o.kind]}* by ${who(o.by)} at ${at}: *outcome unknown*${msg}`;
  }
}

function userLine(alert: Alert): string {
  const a = alert.actor;
  const name = a.name && a.email ? `${a.name} <${a.email}>` : (a.email ?? a.name ?? a.id);
  return `${esc(name, 400)}\n\`${esc(a.id, 200)}\``;
}

function button(kind: ActionKind, alertId: string, dryRun: boolean): Button {
  const b: Button = {
    type: 'button',
    action_id: kind === 'notify' ? ACTION.notify : kind === 'revoke-sessions' ? ACTION.revoke : ACTION.suspend,
    text: { type: 'plain_text', text: plain(`${ACTION_LABEL[kind]}${dryRun ? ' (dry run)' : ''}`, LIMITS.buttonText), emoji: true },
    value: truncate(alertId, LIMITS.buttonValue),
  };
  if (kind === 'revoke-sessions') {
    b.style = 'primary';
    b.confirm = {
      title: { type: 'plain_text', text: 'Require re-sign-in?' },
      text: { type: 'plain_text', text: 'Every session of this user is revoked; they must sign in again (with MFA).' },
      confirm: { type: 'plain_text', text: 'Revoke sessions' },
      deny: { type: 'plain_text', text: 'Cancel' },
    };
  }
  if (kind === 'suspend') {
    b.style = 'danger';
    b.confirm = {
      title: { type: 'plain_text', text: 'Suspend this user?' },
      text: { type: 'plain_text', text: 'Their account will be disabled in Microsoft Entra ID. You will be asked for a reason next.' },
      confirm: { type: 'plain_text', text: 'Continue' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    };
  }
  return b;
}
/** Option values carry `<reason>|<alert id>` (a select has no separate value; option values are ≤150 chars). */
function dismissSelect(alertId: string): StaticSelect {
  return {
    type: 'static_select',
    action_id: ACTION.dismiss,
    placeholder: { type: 'plain_text', text: 'Dismiss…' },
    options: DISMISS_REASONS.map((r) => ({ text: { type: 'plain_text', text: r.label }, value: truncate(`${r.value}|${alertId}`, 150) })),
    confirm: {
      title: { type: 'plain_text', text: 'Dismiss this alert?' },
      text: { type: 'plain_text', text: 'No action is taken on the user; the alert is closed with the reason you picked.' },
      confirm: { type: 'plain_text', text: 'Dismiss' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
}

/** The affected user's answer to "Was this you?". */
export function userAnswerLine(a: UserAnswer | undefined): string | undefined {
  if (!a) return undefined;
  if (a.answer === 'yes') return `🙋 The user answered *yes, it was me* at ${slackDate(a.at, '{time}')}`;
  return `🚨 The user answered *NO, it was not me* at ${slackDate(a.at, '{time}')}`;
}

/** A short revision tag for block ids: Slack asks for a new block_id each time a message is updated. */
function revisionTag(view: AlertView): string {
  const outcomeTag = view.outcomes.map((o) => `${o.kind[0]}${o.status[0]}${o.at % 100000}`).join('');
  return truncate(`${view.alert.revision}.${outcomeTag}`, 60);
}

/** Render the alert card. Pure: the same view always gives the same message. */
export function renderAlertCard(view: AlertView): SlackMessage {
  const { alert } = view;
  const sev = alert.severity.toUpperCase();
  const tag = revisionTag(view);
  const blockId = (name: string) => truncate(`${name}:${alert.id}:${tag}`, LIMITS.blockId);
  const blocks: KnownBlock[] = [];

  blocks.push({ type: 'header', block_id: blockId('h'), text: { type: 'plain_text', text: plain(`${SEVERITY_EMOJI[alert.severity]} ${sev}: ${alert.title}`, LIMITS.header), emoji: true } });
  blocks.push({ type: 'section', block_id: blockId('s'), text: { type: 'mrkdwn', text: esc(alert.summary || alert.title, LIMITS.sectionText) } });

  const when = alert.firstSeen === alert.lastSeen ? slackDate(alert.lastSeen) : `${slackDate(alert.firstSeen)} → ${slackDate(alert.lastSeen)}`;
  const fields = [
    `*User*\n${userLine(alert)}`,
    `*Detection*\n\`${esc(alert.detection, 200)}\`${alert.mitre.length ? ` · ${esc(alert.mitre.join(', '), 300)}` : ''}`,
    `*When*\n${when}`,
    `*Events*\n${alert.count}`,
  ];
  const room = LIMITS.fields - fields.length;
  for (const e of alert.evidence.slice(0, room)) fields.push(`*${esc(e.label, 100)}*\n${esc(e.value, LIMITS.fieldText - 110)}`);
  blocks.push({ type: 'section', block_id: blockId('f'), fields: fields.map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.fieldText) })) } satisfies SectionBlock);
  const extra = alert.evidence.slice(room);
  if (extra.length > 0)
    blocks.push({ type: 'section', block_id: blockId('e'), text: { type: 'mrkdwn', text: truncate(extra.map((e) => `*${esc(e.label, 100)}*: ${esc(e.value, 500)}`).join('\n'), LIMITS.sectionText) } });

  const context: string[] = [];
  if (alert.runbook) context.push(`📘 *Runbook:* ${esc(alert.runbook, 2000)}`);
  const link = alertLink(alert);
  if (link) context.push(`🔗 <${link.url}|${esc(link.label, 60)}>`);
  const lookup = alert.actor.email ? `\`/vigil activity ${esc(alert.actor.email, 200)}\`` : `\`/vigil activity ${esc(alert.actor.id, 200)}\``;
  context.push(`🔎 ${lookup} · Alert \`${esc(alert.id, 100)}\` · Status: *${STATUS_LABEL[alert.status]}*`);
  if (view.dryRun) context.push('🧪 *Dry run*: buttons record what would be done; nothing is changed in Microsoft Entra ID.');
  blocks.push({ type: 'context', block_id: blockId('c'), elements: context.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.contextText) })) } satisfies ContextBlock);

  const outcomes = [...view.outcomes].sort((a, b) => a.at - b.at);
  const lines = [ownerLine(alert.owner), escalationLine(alert)].filter((l): l is string => l !== undefined);
  lines.push(...outcomes.map(outcomeLine));
  const answer = userAnswerLine(view.answer);
  if (answer) lines.push(answer);
  if (lines.length > 0) blocks.push({ type: 'section', block_id: blockId('o'), text: { type: 'mrkdwn', text: truncate(lines.join('\n'), LIMITS.sectionText) } });

  const live = liveActions(view);
  const own = ownershipActions(view);
  const elements: ActionsBlock['elements'] = own.acknowledge ? [acknowledgeButton(alert.id)] : [];
  elements.push(...live.filter((k) => k !== 'dismiss').map((k) => button(k, alert.id, view.dryRun)));
  if (own.assign) elements.push(assignSelect());
  if (live.includes('dismiss')) elements.push(dismissSelect(alert.id));
  if (elements.length > 0) blocks.push({ type: 'actions', block_id: blockId('a'), elements });

  const fallback = `${SEVERITY_EMOJI[alert.severity]} [${sev}] ${alert.title}${outcomes.length ? ` (${outcomes.map((o) => `${ACTION_LABEL[o.kind]}: ${o.status}`).join(', ')})` : ''}`;
  return { text: esc(fallback, LIMITS.fallback), blocks: blocks.slice(0, LIMITS.blocks) };
}
