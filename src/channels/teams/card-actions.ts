import { z } from 'zod';
import type { ActionsService } from '../../actions/types.js';
import { dismissReasonText, type ActionOutcome, type ActionRequest, type Alert } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { VERB_KIND, VERBS, isOwnerVerb, renderAlertCard, type Json, type OwnerVerb, type Verb } from './card.js';
import type { ResponderCheck } from './responders.js';
import type { AssigneeDirectory } from './assignees.js';
import { withTravelMap } from './map.js';
import type { MapRenderer } from '../../render/safe.js';

/**
 * A click on an alert card button (Action.Execute invoke, or the Action.Submit fallback of old clients).
 * Order of work: authorise the clicking user (Entra object id) → load the alert → run the action once →
 * answer with the refreshed card. Teams retries an invoke that takes too long, so the same action on the same
 * alert is never run twice concurrently, a retried invoke id gets the stored answer, and a slow action answers
 * "working on it" within the invoke budget while it finishes in the background (the outbox then updates the card).
 */

/** What the card sends: `data` of the button merged with the card inputs (reason, dismissReason). */
export const CardActionData = z.looseObject({
  alertId: z.string().min(1).max(200),
  verb: z.string().max(40).optional(),
  reason: z.string().max(1000).optional(),
  dismissReason: z.string().max(100).optional(),
  /** Assign…: the Entra object id the people picker returned. */
  assignee: z.string().max(100).optional(),
});

/** The `value` of an `adaptiveCard/action` invoke. */
export const AdaptiveCardInvokeValue = z.looseObject({
  action: z.looseObject({ type: z.literal('Action.Execute'), verb: z.string().min(1).max(40), data: CardActionData }),
});

export interface CardClick {
  verb: string;
  data: z.infer<typeof CardActionData>;
  user: { aadObjectId?: string; id: string; name?: string };
  /** Invoke activity id, for answering Teams' retries of the same invoke. */
  invokeId?: string;
}

export type CardActionResult = { kind: 'card'; card: Json; executed: boolean } | { kind: 'error'; status: number; code: string; message: string };

export interface CardActionDeps {
  store: Store;
  actions: ActionsService;
  isResponder: ResponderCheck;
  dryRun: boolean;
  log: Logger;
  now?: () => number;
  /** How long to wait for the action before answering "working on it" (Teams gives up after ~10-15 s). */
  invokeBudgetMs?: number;
  /** Draws the travel map (render/safe.ts); absent: the default renderer. */
  mapRenderer?: MapRenderer;
  /** The responders Assign… offers; responders who click are remembered in it by name. */
  assignees?: AssigneeDirectory;
  /** Called after an action completed (e.g. to drain the outbox now, so everyone's card updates at once). */
  onActionDone?: (alertId: string) => void;
}

const INVOKE_TTL_MS = 15 * 60_000;

export const NOT_RESPONDER =
  'You are not a Vigil responder, so this card is read-only for you. Ask an administrator to add your Entra object id (or your group) to TEAMS_RESPONDERS.';

export const NOT_ASSIGNABLE = 'That person is not a Vigil responder (TEAMS_RESPONDERS), so the alert was not assigned to them.';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createCardActionHandler(deps: CardActionDeps) {
  const now = deps.now ?? Date.now;
  const budget = deps.invokeBudgetMs ?? 8_000;
  const inflight = new Map<string, Promise<ActionOutcome>>();

  async function render(alert: Alert, opts: { readOnly?: boolean; notice?: string; fresh?: ActionOutcome; working?: boolean } = {}) {
    const view = await deps.store.alertView(alert, deps.dryRun, opts.fresh);
    if (opts.working && view.alert.status === 'open') view.alert = { ...view.alert, status: 'in-progress' };
    const assignees = opts.readOnly ? [] : ((await deps.assignees?.list()) ?? []);
    // The clicker's refreshed card carries the travel map like the posted one (never delayed past the renderer's limit).
    return withTravelMap(renderAlertCard(view, { readOnly: opts.readOnly, notice: opts.notice, assignees }), view, { log: deps.log, render: deps.mapRenderer });
  }

  /** Run one action at most once at a time per alert + kind; a retried invoke id returns the stored outcome. */
  function runOnce(req: ActionRequest, invokeId: string | undefined): Promise<ActionOutcome> {
    const key = `${req.alertId}:${req.kind}`;
    const running = inflight.get(key);
    if (running) return running;
    const p = (async () => {
      if (invokeId) {
        const prior = await deps.store.getInvokeOutcome(invokeId);
        if (prior) return prior;
      }
      const outcome = await deps.actions.execute(req);
      if (invokeId) await deps.store.saveInvokeOutcome(invokeId, outcome, INVOKE_TTL_MS);
      deps.onActionDone?.(req.alertId);
      return outcome;
    })().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  /** Acknowledge / Assign…: the assignee must be a responder too (the people picker offers the whole directory). */
  async function own(verb: OwnerVerb, alert: Alert, click: CardClick): Promise<CardActionResult> {
    const by = { platform: 'teams' as const, id: click.user.aadObjectId!, name: click.user.name, entraId: click.user.aadObjectId };
    let to: ActionRequest['by'] | undefined;
    if (verb === 'assign') {
      const assignee = click.data.assignee?.trim() ?? '';
      if (!GUID.test(assignee)) return { kind: 'card', card: await render(alert, { notice: 'Pick the responder to assign this alert to.' }), executed: false };
      if (!(await deps.isResponder(assignee))) {
        deps.log.warn({ alertId: alert.id, user: by.id, assignee }, 'Teams assign to someone who is not a responder: refused');
        return { kind: 'card', card: await render(alert, { notice: NOT_ASSIGNABLE }), executed: false };
      }
      to = { platform: 'teams', id: assignee.toLowerCase(), entraId: assignee.toLowerCase() };
    }
    const r = await deps.actions.own({ alertId: alert.id, kind: verb, by, ...(to ? { to } : {}), requestedAt: now() });
    if (r.status === 'done') deps.onActionDone?.(alert.id);
    const fresh = (await deps.store.getAlert(alert.id)) ?? alert;
    return { kind: 'card', card: await render(fresh, r.status === 'done' ? {} : { notice: r.message }), executed: r.status === 'done' };
  }

  return async function handleCardAction(click: CardClick): Promise<CardActionResult> {
    const verb = (click.verb || click.data.verb || '') as Verb;
    if (!Object.values(VERBS).includes(verb))
      return { kind: 'error', status: 400, code: 'BadRequest', message: `Unknown action "${String(verb).slice(0, 40)}".` };
    // Authorise first: nothing else happens for someone who may not act.
    const allowed = await deps.isResponder(click.user.aadObjectId);
    const alert = await deps.store.getAlert(click.data.alertId);
    if (!alert) return { kind: 'error', status: 404, code: 'NotFound', message: 'This alert no longer exists (it may have passed the retention period).' };
    if (!allowed) {
      deps.log.warn({ alertId: alert.id, verb, user: click.user.aadObjectId ?? click.user.id }, 'Teams card action refused: not a responder');
      return { kind: 'card', card: await render(alert, { readOnly: true, notice: verb === 'refresh' ? undefined : NOT_RESPONDER }), executed: false };
    }
    await deps.assignees?.remember(click.user.aadObjectId, click.user.name).catch(() => undefined);
    if (verb === 'refresh') return { kind: 'card', card: await render(alert), executed: false };
    if (isOwnerVerb(verb)) return own(verb, alert, click);

    const kind = VERB_KIND[verb];
    const reason =
      kind === 'dismiss'
        ? dismissReasonText(click.data.dismissReason, click.data.reason)
        : click.data.reason?.trim() || undefined;
    if (kind === 'suspend' && !reason)
      return { kind: 'card', card: await render(alert, { notice: 'A reason is required to suspend a user.' }), executed: false };
    const req: ActionRequest = {
      alertId: alert.id,
      kind,
      // The Entra object id names the person for four-eyes across Slack and Teams (actions/four-eyes.ts).
      by: { platform: 'teams', id: click.user.aadObjectId!, name: click.user.name, entraId: click.user.aadObjectId },
      reason,
      requestedAt: now(),
    };
    const run = runOnce(req, click.invokeId);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budget)));
    try {
      const outcome = await Promise.race([run, late]);
      const fresh = (await deps.store.getAlert(alert.id)) ?? alert;
      if (outcome === 'late') {
        run.catch((err: Error) => deps.log.error({ alertId: alert.id, kind, err: err.message }, 'Teams card action failed after the invoke was answered'));
        return { kind: 'card', card: await render(fresh, { working: true, notice: 'Working on it: this card updates when the action completes.' }), executed: true };
      }
      return { kind: 'card', card: await render(fresh, { fresh: outcome }), executed: true };
    } catch (err) {
      deps.log.error({ alertId: alert.id, kind, err: (err as Error).message }, 'Teams card action failed');
      return { kind: 'card', card: await render(alert, { notice: `The action could not be run: ${(err as Error).message}`.slice(0, 300) }), executed: true };
    } finally {
      clearTimeout(timer);
    }
  };
}
export type CardActionHandler = ReturnType<typeof createCardActionHandler>;
