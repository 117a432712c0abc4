import type { ConversationReference } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { Logger } from '../../log.js';
import type { AlertChannel, AlertView, PriorDelivery } from '../../domain/index.js';
import { alertSummaryText, renderAlertCard, type Json } from './card.js';
import type { ConversationStore, StoredConversation } from './conversations.js';
import { teamsFollowUps } from './follow-ups.js';
import { withTravelMap } from './map.js';
import type { MapRenderer } from '../../render/safe.js';
import type { AssigneeDirectory } from './assignees.js';
import { TeamsSendError, type TeamsSender } from './sender.js';

/** An alert card as a message activity (summary text for notifications + the Adaptive Card attachment). */
export function alertActivity(card: Json, summary: string) {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  activity.summary = summary;
  return activity;
}

export interface TeamsChannelOptions {
  sender: TeamsSender;
  conversations: ConversationStore;
  /** The responders Assign… offers on the card. */
  assignees?: AssigneeDirectory;
  /** TEAMS_ESCALATION_CHANNEL: where alerts nobody acknowledged are escalated. */
  escalationChannel?: string;
  /** TEAMS_ALERT_CHANNEL. */
  alertChannel: string | undefined;
  log: Logger;
  /** Draws the travel map (default: src/render's); tests inject a failing one. */
  mapRenderer?: MapRenderer;
}

/**
 * The Teams AlertChannel. A new alert is posted to the alert channel and the posted activity id is returned as
 * the delivery ref `{ conversationId, activityId }`; later revisions update that same message for everyone
 * (PUT .../activities/{activityId}). If the message is gone (404) a new one is posted.
 */
export function createTeamsChannel(opts: TeamsChannelOptions): AlertChannel {
  const activity = async (view: AlertView) =>
    alertActivity(await withTravelMap(renderAlertCard(view, { assignees: await assigneesOf(opts) }), view, { log: opts.log, render: opts.mapRenderer }), alertSummaryText(view));
  const followUps = (view: AlertView, ref: Record<string, string>, conv: StoredConversation | undefined) =>
    teamsFollowUps(view, ref, conv, { sender: opts.sender, conversations: opts.conversations, escalationChannel: opts.escalationChannel, log: opts.log });

  async function post(view: AlertView): Promise<Record<string, string>> {
    const target = await opts.conversations.alertTarget(opts.alertChannel);
    if (!target)
      throw new Error(
        opts.alertChannel
          ? `Teams: the bot has not seen the channel TEAMS_ALERT_CHANNEL="${opts.alertChannel}" yet; install Vigil in that team (or @mention it there once)`
          : 'Teams: no channel to post to; install Vigil in a team and write "@Vigil subscribe" in the channel, or set TEAMS_ALERT_CHANNEL',
      );
    const ref = target.reference as Partial<ConversationReference>;
    try {
      const activityId = await opts.sender.post(ref, await activity(view));
      if (!activityId) opts.log.warn({ alertId: view.alert.id }, 'Teams returned no activity id: this card cannot be updated later');
      return followUps(view, { conversationId: target.id, activityId: activityId ?? '' }, target);
    } catch (err) {
      if (err instanceof TeamsSendError && err.status === 403) await opts.conversations.markInactive(target.id);
      throw err;
    }
  }

  return {
    name: 'teams',
    async deliver(view: AlertView, previous: PriorDelivery | undefined) {
      const conversationId = previous?.ref.conversationId;
      const activityId = previous?.ref.activityId;
      if (!conversationId || !activityId) return post(view);
      const conv = await opts.conversations.get(conversationId);
      if (!conv) return post(view);
      try {
        await opts.sender.update(conv.reference as Partial<ConversationReference>, activityId, await activity(view));
        return followUps(view, { ...previous.ref, conversationId, activityId }, conv);
      } catch (err) {
        if (err instanceof TeamsSendError && err.status === 404) {
          opts.log.warn({ alertId: view.alert.id }, 'Teams alert message no longer exists; posting a new one');
          return post(view);
        }
        throw err;
      }
    },
  };
}

async function assigneesOf(opts: TeamsChannelOptions) {
  return (await opts.assignees?.list().catch(() => undefined)) ?? [];
}
