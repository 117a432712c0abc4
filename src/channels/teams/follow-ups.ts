import type { ConversationReference } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { unacknowledgedMinutes, type AlertView } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { ownerText } from './card-owner.js';
import { plain } from './card-text.js';
import type { ConversationStore, StoredConversation } from './conversations.js';
import type { TeamsSender } from './sender.js';

export interface FollowUpOptions {
  sender: TeamsSender;
  conversations: ConversationStore;
  /** TEAMS_ESCALATION_CHANNEL (a channel id or name the bot has seen, like TEAMS_ALERT_CHANNEL). */
  escalationChannel?: string;
  log: Logger;
}

/** The alert card's reply thread: the channel conversation id with `;messageid=<root activity id>`. */
function threadRef(conv: StoredConversation, activityId: string): Partial<ConversationReference> {
  const ref = conv.reference as Partial<ConversationReference>;
  const base = String(ref.conversation?.id ?? conv.id).split(';')[0];
  return { ...ref, conversation: { ...ref.conversation!, id: `${base};messageid=${activityId}` } };
}

/**
 * Replies in the alert card's thread (who took the alert; reminders) and the escalation post, each once:
 * what was sent is kept in the delivery ref (`ownerAt`, `escalated`) like Slack's. Never fatal for the card.
 */
export async function teamsFollowUps(view: AlertView, ref: Record<string, string>, conv: StoredConversation | undefined, opts: FollowUpOptions): Promise<Record<string, string>> {
  const next = { ...ref };
  const { alert } = view;
  if (!conv || !ref.activityId) return next;
  const thread = threadRef(conv, ref.activityId);
  try {
    if (alert.owner && ref.ownerAt !== String(alert.owner.at)) {
      await opts.sender.post(thread, MessageFactory.text(ownerText(alert.owner)));
      next.ownerAt = String(alert.owner.at);
    }
    const e = alert.escalation;
    const done = Number(ref.escalated ?? 0);
    if (!e || done >= e.level) return next;
    if (!alert.owner) {
      const at = e.level === 2 ? (e.escalatedAt ?? e.remindedAt) : e.remindedAt;
      const text = `⏰ This **${alert.severity}** alert has not been acknowledged for ${unacknowledgedMinutes(alert, at)} min. Responders: press **Acknowledge** on the card, or **Assign…** it.`;
      if (done < 1 || !opts.escalationChannel) await opts.sender.post(thread, MessageFactory.text(text));
      if (e.level === 2 && opts.escalationChannel) await escalate(view, at, opts);
    }
    next.escalated = String(e.level);
  } catch (err) {
    opts.log.warn({ alertId: alert.id, err: (err as Error).message }, 'Teams thread follow-up failed');
  }
  return next;
}

async function escalate(view: AlertView, at: number, opts: FollowUpOptions): Promise<void> {
  const target = await opts.conversations.alertTarget(opts.escalationChannel);
  if (!target) {
    opts.log.warn({ alertId: view.alert.id }, 'Teams: the bot has not seen TEAMS_ESCALATION_CHANNEL yet; install Vigil in that team (or @mention it there once)');
    return;
  }
  const { alert } = view;
  const text = `🚨 **Escalation**: the **${alert.severity}** alert "${plain(alert.title, 300)}" (${plain(alert.id, 80)}) has not been acknowledged for ${unacknowledgedMinutes(alert, at)} min. Its card is in the alert channel: Acknowledge or Assign… it there.`;
  await opts.sender.post(target.reference as Partial<ConversationReference>, MessageFactory.text(text));
}
