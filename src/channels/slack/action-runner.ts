import type { WebClient } from '@slack/web-api';
import type { ActionsService } from '../../actions/types.js';
import type { ActionKind, ActionOutcome } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { actionLabel, outcomeLine, renderAlertCard } from './blocks.js';
import { SLACK_CHANNEL_NAME } from './channel.js';
import { renderRequestReply } from './messages.js';
import type { EmailLookup } from './emails.js';
import type { SlackSender } from './sender.js';

export interface RunnerDeps {
  store: Store;
  actions: ActionsService;
  sender: SlackSender;
  client: WebClient;
  log: Logger;
  dryRun: boolean;
  now?: () => number;
  /** Called after an action ran (e.g. drain the outbox so the other channels' cards update). */
  onDone?: () => void;
  /** The clicker's email (users.info, cached): names the person for four-eyes across Slack and Teams. */
  emailOf?: EmailLookup;
}

export interface CardWhere {
  channel: string;
  ts: string;
  threadTs: string;
}

const FINAL = new Set<ActionOutcome['status']>(['done', 'dry-run']);

/**
 * One responder action from Slack, after the user was authorised: at most one execute per alert and action
 * at a time in this process (a double click joins the running one), none when the action already finished;
 * then the card is updated in place and the outcome goes to the thread.
 */
export function createActionRunner(deps: RunnerDeps) {
  const now = deps.now ?? Date.now;
  const inflight = new Map<string, Promise<void>>();

  async function ephemeral(where: CardWhere, user: string, text: string) {
    await deps.sender
      .call('chat.postEphemeral', () => deps.client.chat.postEphemeral({ channel: where.channel, user, text, thread_ts: where.threadTs === where.ts ? undefined : where.threadTs }))
      .catch((err) => deps.log.warn({ err: (err as Error).message }, 'Slack ephemeral reply failed'));
  }

  async function thread(where: CardWhere, text: string) {
    await deps.sender.post(where.channel, { text, thread_ts: where.threadTs }).catch((err) => deps.log.warn({ err: (err as Error).message }, 'Slack thread reply failed'));
  }

  async function perform(input: { alertId: string; kind: ActionKind; user: { id: string; name?: string }; reason?: string; where: CardWhere }) {
    const { alertId, kind, user, where } = input;
    const alert = await deps.store.getAlert(alertId);
    if (!alert) return ephemeral(where, user.id, `Alert \`${alertId.slice(0, 80)}\` no longer exists (it may have been pruned by retention).`);
    const previous = await deps.store.getActionOutcome(alertId, kind);
    if (previous && FINAL.has(previous.status)) {
      await ephemeral(where, user.id, `Already handled: ${outcomeLine(previous)}`);
      return;
    }
    await thread(where, renderRequestReply(kind, user.id, input.reason, deps.dryRun));
    // Suspend is the action with four-eyes: the clicker is named as a person (email) so the same person in Teams
    // is not counted as a second responder (actions/four-eyes.ts). No address: they cannot approve across platforms.
    const email = kind === 'suspend' ? await deps.emailOf?.(user.id) : undefined;
    const by = { platform: 'slack' as const, id: user.id, name: user.name, ...(email ? { email } : {}) };
    let outcome: ActionOutcome;
    try {
      outcome = await deps.actions.execute({ alertId, kind, by, reason: input.reason, requestedAt: now() });
    } catch (err) {
      // The card reports the failure; it never claims an action that did not happen.
      deps.log.error({ alertId, kind, err: (err as Error).message }, 'action failed');
      outcome = { alertId, kind, status: 'failed', message: `${(err as Error).message}`.slice(0, 500), by, at: now(), requestIds: [], warnings: [] };
    }
    const current = (await deps.store.getAlert(alertId)) ?? alert;
    // The card view as stored, with the just-returned outcome laid over it (the store may lag behind).
    const view = await deps.store.alertView(current, deps.dryRun, outcome);
    try {
      await deps.sender.update(where.channel, where.ts, renderAlertCard(view));
    } catch (err) {
      deps.log.warn({ alertId, err: (err as Error).message }, 'Slack card update after action failed; the outbox will update it');
    }
    await thread(where, outcomeLine(outcome) + (outcome.warnings.length ? `\n${outcome.warnings.map((w) => `• ${w}`).join('\n')}` : ''));
    deps.log.info({ alertId, kind, status: outcome.status, by: user.id }, `${actionLabel(kind)}: ${outcome.status}`);
    deps.onDone?.();
  }

  return {
    /** Run (or join) the action. Resolves when the card and thread are updated. */
    run(input: { alertId: string; kind: ActionKind; user: { id: string; name?: string }; reason?: string; where: CardWhere }): Promise<void> {
      const key = `${input.alertId}:${input.kind}`;
      const running = inflight.get(key);
      if (running) {
        return ephemeral(input.where, input.user.id, `${actionLabel(input.kind)} is already running for this alert; the card will show the outcome.`).then(() => running);
      }
      const p = perform(input).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
    ephemeral,
    thread,
    /** Redraw the clicked card from the store now (the outbox redraws it everywhere else), then notify onDone. */
    async refresh(where: CardWhere, alertId: string) {
      const alert = await deps.store.getAlert(alertId);
      if (!alert) return;
      await deps.sender
        .update(where.channel, where.ts, renderAlertCard(await deps.store.alertView(alert, deps.dryRun)))
        .catch((err) => deps.log.warn({ alertId, err: (err as Error).message }, 'Slack card update after a click failed; the outbox will update it'));
      deps.onDone?.();
    },
  };
}
export type ActionRunner = ReturnType<typeof createActionRunner>;

/** Where a card was delivered (for actions that start outside the card, e.g. the DM answer). */
export async function deliveredCard(store: Store, alertId: string): Promise<CardWhere | undefined> {
  const d = await store.getDelivery(SLACK_CHANNEL_NAME, alertId);
  const ch = d?.ref.channel;
  const ts = d?.ref.ts;
  return ch && ts ? { channel: ch, ts, threadTs: d.ref.thread_ts ?? ts } : undefined;
}
