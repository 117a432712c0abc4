import type { EntraEnv } from './settings.js';
import { ActionOutcome, ActionRequest, VigilError, type ActionKind, type Alert } from '../domain/index.js';
import type { RetryPolicy } from '../http/retry.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { recordUserAnswer } from './answer.js';
import { responderName, type ActionContext, type ActionResult } from './context.js';
import { checkDetail, comparePeople, notCountedMessage } from './four-eyes.js';
import type { GraphCallRecord } from './graph/client.js';
import { createGraph, isEntraConfigured, type Graph } from './graph/index.js';
import { parseProtectedList } from './guards.js';
import { createOwnership } from './ownership.js';
import { createKeyedLock } from './lock.js';
import { DRY_RUN_NOTE, NOT_CONFIGURED } from './messages.js';
import { notifyUser } from './notify.js';
import { revokeUserSessions } from './revoke.js';
import { suspendUser, unsuspendUser } from './suspend.js';
import type { ActionsService, UserMessenger, MessengerRegistry } from './types.js';

export interface ActionsDeps {
  env: EntraEnv;
  store: Store;
  log: Logger;
  /** VIGIL_DRY_RUN: no Graph call, no message; every outcome says so. */
  dryRun: boolean;
  /** Chat platforms that can DM the affected user (the registry chat channels register into as they start). */
  messengers?: UserMessenger[] | MessengerRegistry;
  /** The process's one Graph (built from `env` when not given). */
  graph?: Graph;
  now?: () => number;
  /** Graph/token retry policy override (tests shorten the delays). */
  retry?: Partial<RetryPolicy>;
  /** Per-attempt Graph timeout (tests shorten it). */
  graphTimeoutMs?: number;
}

export { isEntraConfigured };

/** How long a pending four-eyes request waits for a second responder. */
export const APPROVAL_TTL_MS = 24 * 3600_000;

/** An outcome that is final: a repeat returns it. Failed and refused outcomes may be retried. */
const isFinal = (o: ActionOutcome) => o.status === 'done' || o.status === 'dry-run';

/** Suspend and unsuspend change the same account flag: they share one lock and reset each other's record. */
const lockKey = (alertId: string, kind: ActionKind) => `${alertId}:${kind === 'suspend' || kind === 'unsuspend' ? 'account' : kind}`;

function dryRunResult(kind: ActionKind, alert: Alert, messengers: UserMessenger[], env: EntraEnv): ActionResult {
  const who = alert.actor.email ?? alert.actor.id;
  const would: Record<Exclude<ActionKind, 'dismiss'>, string> = {
    notify: `email ${who}${env.ENTRA_NOTIFY_SENDER ? ` from ${env.ENTRA_NOTIFY_SENDER}` : ''} and ask "Was this you?"${messengers.length ? ` on ${messengers.map((m) => m.platform).join(' and ')}` : ''}`,
    'revoke-sessions': `revoke every sign-in session of the Entra ID user matching ${who}`,
    suspend: `disable the Entra ID user matching ${who} (accountEnabled=false) and revoke their sessions, after the protected-user and four-eyes checks`,
    unsuspend: `re-enable the Entra ID user matching ${who} (accountEnabled=true)`,
  };
  return { status: 'dry-run', message: `Dry run: would ${would[kind as Exclude<ActionKind, 'dismiss'>]}. ${DRY_RUN_NOTE}` };
}

/**
 * The actions service: validate → lock per alert + action → idempotency → audit the request → perform →
 * store the outcome and audit it → update the alert (which queues the card update in every channel).
 */
export function createActionsService(deps: ActionsDeps): ActionsService {
  const now = deps.now ?? Date.now;
  const withLock = createKeyedLock(deps.store.locks);
  const protectedList = parseProtectedList(deps.env.ENTRA_PROTECTED_USERS);
  const messengers = () => (Array.isArray(deps.messengers) ? deps.messengers : (deps.messengers?.list() ?? []));
  const ownership = createOwnership({ store: deps.store, log: deps.log, now });
  const entra = deps.graph ?? createGraph(deps.env, { retry: deps.retry, now, timeoutMs: deps.graphTimeoutMs });

  const byLabel = (by: ActionRequest['by']) => `${responderName(by)} (${by.platform}:${by.id}${by.email ? `, ${by.email}` : ''})`;

  const audit = (req: ActionRequest, outcome: string, detail: Record<string, unknown>, at = now()) =>
    deps.store.appendAudit({ at, alertId: req.alertId, what: req.kind, by: byLabel(req.by), outcome, detail });

  const identityDeps = (calls: GraphCallRecord[]) => ({ graph: entra?.client({ onCall: (c) => calls.push(c) }), domainMap: deps.env.ENTRA_DOMAIN_MAP });

  async function perform(req: ActionRequest, alert: Alert, pending: Pick<ActionContext, 'previous' | 'people'> | undefined, calls: GraphCallRecord[]): Promise<ActionResult> {
    if (req.kind === 'dismiss') {
      return {
        status: 'done',
        message: `Dismissed by ${responderName(req.by)}${req.reason ? `: ${req.reason}` : ''}.`,
        warnings: deps.dryRun ? ['Dry run is on: only Vigil\'s own alert status changed; nothing in Entra ID.'] : [],
        alertStatus: 'dismissed',
      };
    }
    if (deps.dryRun) return dryRunResult(req.kind, alert, messengers(), deps.env);
    const graph = entra?.client({ onCall: (c) => calls.push(c) });
    const ctx: ActionContext = { req, alert, env: deps.env, graph, protectedList, messengers: messengers(), ...pending, log: deps.log, store: deps.store, now };
    if (req.kind === 'notify') return notifyUser(ctx);
    if (!graph) return { status: 'refused', message: NOT_CONFIGURED };
    if (req.kind === 'revoke-sessions') return revokeUserSessions(ctx);
    if (req.kind === 'suspend') return suspendUser(ctx);
    return unsuspendUser(ctx);
  }

  async function run(req: ActionRequest): Promise<ActionOutcome> {
    const alert = await deps.store.getAlert(req.alertId);
    if (!alert)
      return ActionOutcome.parse({
        alertId: req.alertId,
        kind: req.kind,
        status: 'refused',
        message: `Alert ${req.alertId} does not exist (it may have been pruned).`,
        by: req.by,
        at: now(),
      });
    const stored = await deps.store.getActionOutcome(req.alertId, req.kind);
    // A four-eyes request nobody approved within a day lapses: the next click is a new request, not an approval.
    const lapsed = stored?.status === 'pending-approval' && now() - stored.at > APPROVAL_TTL_MS;
    const previous = lapsed ? undefined : stored;
    const calls: GraphCallRecord[] = [];
    // A click on a pending four-eyes request counts only when it is provably another person (four-eyes.ts).
    const people = previous?.status === 'pending-approval' ? await comparePeople(previous.by, req.by, identityDeps(calls)) : undefined;
    if (previous && (isFinal(previous) || (people && people.verdict !== 'different'))) {
      await audit(req, people && !isFinal(previous) ? 'not-counted' : 'repeat', {
        returned: previous.status,
        firstAt: previous.at,
        firstBy: byLabel(previous.by),
        reason: req.reason,
        ...(people ? { fourEyes: checkDetail(people), graphCalls: calls } : {}),
      });
      // Across platforms the clicker is told why the click did not count; the stored request stays the requester's.
      const crossPlatform = people && previous.by.platform !== req.by.platform;
      return crossPlatform ? { ...previous, message: notCountedMessage(people, responderName(previous.by)) } : previous;
    }

    await audit(req, 'requested', { requestedAt: req.requestedAt, reason: req.reason, dryRun: deps.dryRun, ...(stored ? { previous: stored.status } : {}), ...(lapsed ? { approvalLapsed: true } : {}) });

    let result: ActionResult;
    try {
      result = await perform(req, alert, previous?.status === 'pending-approval' ? { previous, people } : undefined, calls);
    } catch (err) {
      deps.log.error({ alertId: req.alertId, kind: req.kind, err: (err as Error).message }, 'action failed unexpectedly');
      result = { status: 'failed', message: `The ${req.kind} action failed unexpectedly: ${(err as Error).message}` };
    }

    const requestIds = [...new Set(calls.map((c) => c.requestId ?? c.clientRequestId))];
    const outcome = ActionOutcome.parse({
      alertId: req.alertId,
      kind: req.kind,
      status: result.status,
      message: result.message,
      by: req.by,
      at: now(),
      requestIds,
      warnings: result.warnings ?? [],
    });
    await deps.store.saveActionOutcome(outcome);
    if (outcome.status === 'done' && (req.kind === 'suspend' || req.kind === 'unsuspend'))
      await deps.store.deleteActionOutcome(req.alertId, req.kind === 'suspend' ? 'unsuspend' : 'suspend');
    await audit(req, outcome.status, { message: outcome.message, reason: req.reason, warnings: outcome.warnings, requestIds, graphCalls: calls, dryRun: deps.dryRun, ...result.detail }, outcome.at);
    // Last: bump the revision (and status) so the outbox redraws every card with the stored outcome.
    await deps.store.updateAlert(req.alertId, (a) => (result.alertStatus ? { ...a, status: result.alertStatus } : a));
    const level = outcome.status === 'failed' || outcome.status === 'unknown' ? 'warn' : 'info';
    deps.log[level]({ alertId: req.alertId, kind: req.kind, status: outcome.status, by: `${req.by.platform}:${req.by.id}`, requestIds }, 'action outcome');
    return outcome;
  }

  return {
    execute(raw) {
      const parsed = ActionRequest.safeParse(raw);
      if (!parsed.success)
        return Promise.reject(new VigilError('bad_request', `Invalid action request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
      const req = parsed.data;
      return withLock(lockKey(req.alertId, req.kind), () => run(req));
    },
    recordUserAnswer: (input) => recordUserAnswer({ store: deps.store, log: deps.log }, input),
    own: ownership.take,
  };
}
