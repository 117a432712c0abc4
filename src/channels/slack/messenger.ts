import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ActionsService, UserMessenger } from '../../actions/types.js';
import type { Alert } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { deliveredCard, type ActionRunner } from './action-runner.js';
import { SLACK_CHANNEL_NAME } from './channel.js';
import { ACTION } from './ids.js';
import { renderAnswerReply, renderAnswered, renderWasThisYou } from './messages.js';
import { BlockActionBody, cardLocation } from './payloads.js';
import { slackErrorCode, type SlackSender } from './sender.js';

export interface MessengerDeps {
  client: WebClient;
  sender: SlackSender;
  store: Store;
  actions: ActionsService;
  runner: ActionRunner;
  log: Logger;
  pings: () => string[];
  now?: () => number;
  onDone?: () => void;
}

/** Who a "Was this you?" DM went to, so only that user's answer counts. */
const SentDm = z.object({ userId: z.string(), channel: z.string(), ts: z.string() });
const dmKey = (alertId: string) => `slack-dm:${alertId}`;
const DM_KEEP_MS = 30 * 86_400_000;

/** The Slack side of "Was this you?": find the user by email, DM them Yes / No, and route the answer. */
export function createSlackMessenger(deps: MessengerDeps): UserMessenger {
  return {
    platform: 'slack',
    async askWasThisYou({ alert, email }: { alert: Alert; email: string }) {
      let userId: string | undefined;
      try {
        const res = await deps.sender.call('users.lookupByEmail', () => deps.client.users.lookupByEmail({ email }));
        userId = res.user?.id;
      } catch (err) {
        if (slackErrorCode(err) === 'users_not_found') return { sent: false, detail: `no Slack user has the email ${email}` };
        return { sent: false, detail: `Slack lookup failed: ${(err as Error).message}` };
      }
      if (!userId) return { sent: false, detail: `no Slack user has the email ${email}` };
      try {
        const im = await deps.sender.call('conversations.open', () => deps.client.conversations.open({ users: userId }));
        const channel = im.channel?.id;
        if (!channel) return { sent: false, detail: 'Slack opened no direct message channel' };
        const posted = await deps.sender.post(channel, renderWasThisYou(alert));
        await deps.store.setMeta(dmKey(alert.id), { userId, channel: posted.channel, ts: posted.ts }, DM_KEEP_MS);
        return { sent: true, detail: `asked <@${userId}> in a Slack direct message` };
      } catch (err) {
        return { sent: false, detail: `Slack direct message failed: ${(err as Error).message}` };
      }
    },
  };
}

/** The Yes / No buttons of the DM. Only the user the DM went to may answer. */
export function registerAnswerHandlers(app: App, deps: MessengerDeps): void {
  const now = deps.now ?? Date.now;
  for (const [actionId, answer] of [
    [ACTION.answerYes, 'yes'],
    [ACTION.answerNo, 'no'],
  ] as const) {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      const parsed = BlockActionBody.safeParse(body);
      if (!parsed.success) return deps.log.warn('Slack answer payload rejected');
      const b = parsed.data;
      const alertId = b.actions[0]!.value;
      const where = cardLocation(b);
      if (!alertId || !where) return;
      const sent = await deps.store.getMeta(dmKey(alertId), SentDm).catch(() => undefined);
      if (!sent || sent.userId !== b.user.id) {
        deps.log.warn({ alertId, user: b.user.id }, '"Was this you?" answer from a user it was not sent to: refused');
        return deps.runner.ephemeral(where, b.user.id, 'This question was not sent to you, so your answer was not recorded.');
      }
      const at = now();
      // Claim the thread ping before the answer is recorded (which queues the card update), so the card's next
      // delivery knows this "no" is already pinged here and does not ping twice.
      const delivery = await deps.store.getDelivery(SLACK_CHANNEL_NAME, alertId);
      if (answer === 'no' && delivery) await deps.store.saveDelivery({ ...delivery, ref: { ...delivery.ref, pingedAnswerAt: String(at) } });
      try {
        await deps.actions.recordUserAnswer({ alertId, answer, by: { platform: 'slack', id: b.user.id, name: b.user.name }, at });
      } catch (err) {
        deps.log.error({ alertId, err: (err as Error).message }, 'recording the user answer failed');
        return deps.runner.ephemeral(where, b.user.id, 'Sorry, your answer could not be recorded. Please press the button again.');
      }
      deps.onDone?.();
      await deps.sender.update(where.channel, where.ts, renderAnswered(answer)).catch((err) => deps.log.warn({ err: (err as Error).message }, 'DM update failed'));
      const card = await deliveredCard(deps.store, alertId);
      if (card) await deps.runner.thread(card, renderAnswerReply(answer, b.user.id, answer === 'no' ? deps.pings() : []));
    });
  }
}
