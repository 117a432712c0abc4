import type { KnownBlock, ModalView } from '@slack/types';
import type { ActionKind, Alert } from '../../domain/index.js';
import type { AlertView } from '../../domain/index.js';
import { SEVERITY_EMOJI, actionLabel, type SlackMessage } from './blocks.js';
import { ACTION, SUSPEND_REASON, VIEW } from './ids.js';
import { LIMITS, esc, fitLines, mention, plain, slackDate, truncate } from './text.js';

/** One message that stands for a storm of alerts; the cards follow in its thread. */
export function renderDigest(views: AlertView[]): SlackMessage {
  const counts = new Map<string, number>();
  for (const v of views) counts.set(v.alert.severity, (counts.get(v.alert.severity) ?? 0) + 1);
  const bySeverity = (['critical', 'high', 'medium', 'low'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${SEVERITY_EMOJI[s]} ${counts.get(s)} ${s}`)
    .join(' · ');
  const lines = views.map((v) => `${SEVERITY_EMOJI[v.alert.severity]} ${esc(v.alert.title, 200)}`);
  const title = `${views.length} new alerts`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plain(`⚠️ ${title}`, LIMITS.header), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: fitLines(lines, LIMITS.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${bySeverity}. Each alert's card, with its buttons, is in this thread.` }] },
  ];
  return { text: `${title}: ${bySeverity}`, blocks };
}

/** Thread reply when a delivered alert grew (more matching events). */
export function renderGrowthReply(alert: Alert, previousCount: number): string {
  const more = alert.count - previousCount;
  return `➕ ${more} more matching event${more === 1 ? '' : 's'} (${alert.count} in all), last at ${slackDate(alert.lastSeen)}. The card above is updated.`;
}

/** Thread reply: a responder asked for an action (before it runs). */
export function renderRequestReply(kind: ActionKind, userId: string, reason?: string, dryRun = false): string {
  const why = reason ? ` Reason: ${esc(reason, 1000)}` : '';
  return `🔧 ${mention(userId)} requested *${actionLabel(kind)}*${dryRun ? ' (dry run)' : ''}.${why}`;
}

export interface ModalMeta {
  alertId: string;
  channel: string;
  ts: string;
  threadTs: string;
}

/** The reason modal Suspend opens. private_metadata carries where the card is (≤3000 chars). */
export function renderSuspendModal(alert: Alert, meta: ModalMeta, dryRun: boolean, sign: (json: string) => string = (json) => json): ModalView {
  const who = alert.actor.email ?? alert.actor.name ?? alert.actor.id;
  return {
    type: 'modal',
    callback_id: VIEW.suspend,
    private_metadata: sign(truncate(JSON.stringify(meta), LIMITS.privateMetadata - 50)),
    title: { type: 'plain_text', text: plain('Suspend user', LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: plain(dryRun ? 'Suspend (dry run)' : 'Suspend', LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Suspend *${esc(who, 300)}* in Microsoft Entra ID for alert _${esc(alert.title, 500)}_?${dryRun ? '\n🧪 Dry run: nothing will be changed.' : ''}`,
        },
      },
      {
        type: 'input',
        block_id: SUSPEND_REASON.block,
        label: { type: 'plain_text', text: 'Reason (kept in the audit trail)' },
        element: { type: 'plain_text_input', action_id: SUSPEND_REASON.action, multiline: true, min_length: 3, max_length: 1000 },
      },
    ],
  };
}

/** The "Was this you?" direct message to the affected user. */
export function renderWasThisYou(alert: Alert): SlackMessage {
  const what = `${alert.title} (${new Date(alert.lastSeen).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  const text = `Security check: was this you? ${what}`;
  const evidence = alert.evidence.slice(0, 6).map((e) => `• *${esc(e.label, 100)}*: ${esc(e.value, 300)}`);
  return {
    text: esc(text, LIMITS.fallback),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`👋 The security team's bot noticed this activity on your Atlassian account:\n*${esc(alert.title, 500)}* at ${slackDate(alert.lastSeen)}\n${evidence.join('\n')}`, LIMITS.sectionText),
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Was this you?*' } },
      {
        type: 'actions',
        block_id: truncate(`answer:${alert.id}`, LIMITS.blockId),
        elements: [
          { type: 'button', action_id: ACTION.answerYes, style: 'primary', text: { type: 'plain_text', text: 'Yes, it was me' }, value: alert.id },
          { type: 'button', action_id: ACTION.answerNo, style: 'danger', text: { type: 'plain_text', text: 'No, it was not me' }, value: alert.id },
        ],
      },
    ],
  };
}

/** What replaces the DM once answered (the buttons go away). */
export function renderAnswered(answer: 'yes' | 'no'): SlackMessage {
  const text =
    answer === 'yes'
      ? '✅ Thanks: you confirmed it was you. Nothing else to do.'
      : '🚨 Thanks: you said it was not you. The security team has been alerted and will contact you. Do not approve sign-in prompts you did not start.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Thread reply with the user's answer; a "no" pings the responders. */
export function renderAnswerReply(answer: 'yes' | 'no', userId: string, ping: string[]): string {
  if (answer === 'yes') return `🙋 ${mention(userId)} answered *yes, it was me* to "Was this you?".`;
  const who = ping.length > 0 ? `${ping.join(' ')} ` : '';
  return `🚨 ${who}${mention(userId)} answered *NO, it was not me* to "Was this you?". Treat this as a compromise: require re-sign-in or suspend.`;
}
