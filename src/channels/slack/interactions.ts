import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ActionKind } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { ActionRunner } from './action-runner.js';
import { dismissReasonText } from '../../domain/index.js';
import { ACTION, SUSPEND_REASON, VIEW } from './ids.js';
import { alertIdFromBlockId } from './owner-blocks.js';
import { mention } from './text.js';
import type { ActionsService } from '../../actions/types.js';
import { renderSuspendModal } from './messages.js';
import { cardShowsAlert, signMetadata, verifyMetadata } from './click-checks.js';
import { BlockActionBody, ModalMetaSchema, ViewSubmissionBody, cardLocation } from './payloads.js';
import type { ResponderCheck } from './responders.js';
import type { SlackSender } from './sender.js';

export interface InteractionDeps {
  store: Store;
  runner: ActionRunner;
  actions: ActionsService;
  responders: ResponderCheck;
  sender: SlackSender;
  client: WebClient;
  log: Logger;
  dryRun: boolean;
  /** Signs and verifies the suspend modal's private_metadata (metadataKey of the signing secret). */
  metadataKey: Buffer;
}

export const WRONG_CARD = '🚫 That button does not belong to this alert\'s card, so nothing was done.';

export const NOT_AUTHORISED = "🚫 You are not an authorised Vigil responder, so nothing was done. Ask your security team to add you to SLACK_RESPONDERS.";

/**
 * Card buttons and the suspend modal. Every handler acks first, then parses the payload, then checks that the
 * clicking user is a responder: nothing else happens for anyone else.
 */
export function registerCardInteractions(app: App, deps: InteractionDeps): void {
  const { runner, log } = deps;

  /** A responder, clicking on the card of the alert the button names (a signed click can still carry a forged value). */
  async function authorised(userId: string, where: { channel: string; ts: string; threadTs: string }, alertId?: string): Promise<boolean> {
    if (alertId !== undefined && !(await cardShowsAlert(deps.store, alertId, where))) {
      log.warn({ user: userId, channel: where.channel, alertId: alertId.slice(0, 80) }, 'Slack click names an alert that is not on the clicked card: refused');
      await runner.ephemeral(where, userId, WRONG_CARD);
      return false;
    }
    if (await deps.responders.isResponder(userId)) return true;
    log.warn({ user: userId, channel: where.channel }, 'Slack click by a user who is not a responder: refused');
    await runner.ephemeral(where, userId, NOT_AUTHORISED);
    return false;
  }

  function parse(body: unknown) {
    const parsed = BlockActionBody.safeParse(body);
    if (!parsed.success) {
      log.warn({ issue: parsed.error.issues[0]?.message }, 'Slack block action payload rejected');
      return undefined;
    }
    const where = cardLocation(parsed.data);
    if (!where) {
      log.warn('Slack block action without a message location: ignored');
      return undefined;
    }
    return { body: parsed.data, where, action: parsed.data.actions[0]! };
  }

  const simple: Array<[string, ActionKind]> = [
    [ACTION.notify, 'notify'],
    [ACTION.revoke, 'revoke-sessions'],
  ];
  for (const [actionId, kind] of simple) {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      const p = parse(body);
      if (!p || !p.action.value) return;
      if (!(await authorised(p.body.user.id, p.where, p.action.value))) return;
      await runner.run({ alertId: p.action.value, kind, user: { id: p.body.user.id, name: p.body.user.name }, where: p.where });
    });
  }

  /** Acknowledge / Assign…: the clicker (and the assignee) must be responders; the decision is the store's (ownership.ts). */
  async function own(p: NonNullable<ReturnType<typeof parse>>, alertId: string, assignee?: string) {
    const user = p.body.user;
    if (!(await authorised(user.id, p.where, alertId))) return;
    if (assignee !== undefined && !(await deps.responders.isResponder(assignee))) {
      log.warn({ user: user.id, assignee }, 'Slack assign to a user who is not a responder: refused');
      return runner.ephemeral(p.where, user.id, `🚫 ${mention(assignee)} is not a Vigil responder (SLACK_RESPONDERS), so the alert was not assigned to them.`);
    }
    const by = { platform: 'slack' as const, id: user.id, name: user.name ?? user.username };
    const to = assignee === undefined ? undefined : { platform: 'slack' as const, id: assignee };
    const result = await deps.actions.own({ alertId, kind: assignee === undefined ? 'acknowledge' : 'assign', by, ...(to ? { to } : {}), requestedAt: Date.now() });
    if (result.status !== 'done') return runner.ephemeral(p.where, user.id, `${result.status === 'repeat' ? 'ℹ️' : '⛔'} ${result.message}`);
    await runner.refresh(p.where, alertId);
  }

  app.action(ACTION.acknowledge, async ({ ack, body }) => {
    await ack();
    const p = parse(body);
    if (p?.action.value) await own(p, p.action.value);
  });

  app.action(ACTION.assign, async ({ ack, body }) => {
    await ack();
    const p = parse(body);
    const alertId = alertIdFromBlockId(p?.action.block_id);
    if (!p || !alertId) return;
    if (!p.action.selected_user) return runner.ephemeral(p.where, p.body.user.id, 'Pick the responder to assign this alert to.');
    await own(p, alertId, p.action.selected_user);
  });

  app.action(ACTION.dismiss, async ({ ack, body }) => {
    await ack();
    const p = parse(body);
    if (!p) return;
    const [value, alertId] = (p.action.selected_option?.value ?? '').split('|');
    if (!(await authorised(p.body.user.id, p.where, alertId ?? ''))) return;
    const reason = dismissReasonText(value);
    if (!reason || !alertId) return runner.ephemeral(p.where, p.body.user.id, 'Pick a dismiss reason from the list.');
    await runner.run({ alertId, kind: 'dismiss', user: { id: p.body.user.id, name: p.body.user.name }, reason, where: p.where });
  });

  app.action(ACTION.suspend, async ({ ack, body }) => {
    await ack();
    const p = parse(body);
    if (!p || !p.action.value) return;
    if (!(await authorised(p.body.user.id, p.where, p.action.value))) return;
    const alert = await deps.store.getAlert(p.action.value);
    if (!alert) return runner.ephemeral(p.where, p.body.user.id, 'This alert no longer exists.');
    if (!p.body.trigger_id) return runner.ephemeral(p.where, p.body.user.id, 'Slack sent no trigger id; press Suspend again.');
    try {
      await deps.sender.call('views.open', () =>
        deps.client.views.open({ trigger_id: p.body.trigger_id!, view: renderSuspendModal(alert, { alertId: alert.id, ...p.where }, deps.dryRun, (json) => signMetadata(deps.metadataKey, json)) }),
      );
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not open the suspend modal');
      await runner.ephemeral(p.where, p.body.user.id, 'Could not open the suspend dialog (Slack allows 3 seconds); press Suspend again.');
    }
  });

  app.view(VIEW.suspend, async ({ ack, body }) => {
    const parsed = ViewSubmissionBody.safeParse(body);
    // Only metadata Vigil itself signed when it opened the modal is believed (a forged submission cannot name another alert).
    const signed = parsed.success ? verifyMetadata(deps.metadataKey, parsed.data.view.private_metadata) : undefined;
    const metaRaw = signed ? safeJson(signed) : undefined;
    const meta = ModalMetaSchema.safeParse(metaRaw);
    const reason = parsed.success ? parsed.data.view.state.values[SUSPEND_REASON.block]?.[SUSPEND_REASON.action]?.value?.trim() : undefined;
    if (!parsed.success || !meta.success) {
      await ack({ response_action: 'errors', errors: { [SUSPEND_REASON.block]: 'This dialog is out of date; close it and press Suspend again.' } });
      return;
    }
    if (!reason || reason.length < 3) {
      await ack({ response_action: 'errors', errors: { [SUSPEND_REASON.block]: 'Give a reason (at least 3 characters); it goes into the audit trail.' } });
      return;
    }
    await ack();
    const user = parsed.data.user;
    const where = { channel: meta.data.channel, ts: meta.data.ts, threadTs: meta.data.threadTs };
    if (!(await authorised(user.id, where, meta.data.alertId))) return;
    await runner.run({ alertId: meta.data.alertId, kind: 'suspend', user: { id: user.id, name: user.name }, reason: reason.slice(0, 1000), where });
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
