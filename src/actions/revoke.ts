import { resolveTarget, userDetail, type ActionContext, type ActionResult } from './context.js';
import { changeAndConfirm, CONFIRMED_NOTE, type ConfirmResult } from './confirm.js';
import type { GraphClient } from './graph/client.js';
import { describeUser, isGuest, readUser, revokeSessions } from './graph/users.js';
import { describeGraphFailure, NOT_CONFIGURED, REVOKE_DELAY_WARNING, SESSION_WARNING } from './messages.js';

/** Require re-sign-in: `POST /users/{id}/revokeSignInSessions` (User.RevokeSessions.All). Guests are refused. */
export async function revokeUserSessions(ctx: ActionContext): Promise<ActionResult> {
  if (!ctx.graph) return { status: 'refused', message: NOT_CONFIGURED };
  const target = await resolveTarget(ctx, ctx.graph);
  if ('result' in target) return target.result;
  const { user } = target;
  const detail = userDetail(user);
  if (isGuest(user))
    return {
      status: 'refused',
      message:
        `${describeUser(user)} is a guest (B2B) user: Entra ID cannot revoke a guest's sessions from this tenant ` +
        '(they sign in through their home tenant). Suspend the guest or ask their home organisation to act.',
      detail,
    };
  const r = await revokeAndConfirm(ctx.graph, user.id, ctx.now());
  if (!r.ok && r.unknown)
    return { status: 'unknown', message: `Microsoft Graph did not answer the session revoke for ${describeUser(user)}, and the account could not be read back: outcome unknown, press the button again (revoking twice is harmless).`, detail };
  if (!r.ok) return { status: 'failed', message: describeGraphFailure(r.err, `revoke the sign-in sessions of ${describeUser(user)}`), detail };
  return {
    status: 'done',
    message: `Revoked every refresh token and session of ${describeUser(user)} in Entra ID${r.confirmed ? CONFIRMED_NOTE : ''}: they must sign in again.`,
    warnings: [REVOKE_DELAY_WARNING, SESSION_WARNING],
    alertStatus: 'actioned',
    detail,
  };
}

/** Graph's clock and ours may differ: a revoke this close before the call still counts as this one. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Revoke (idempotent); with no answer, `signInSessionsValidFromDateTime` read back tells whether it happened. */
export function revokeAndConfirm(graph: GraphClient, userId: string, startedAt: number): Promise<ConfirmResult> {
  return changeAndConfirm(
    () => revokeSessions(graph, userId),
    async () => Date.parse((await readUser(graph, userId)).signInSessionsValidFromDateTime ?? '') >= startedAt - CLOCK_SKEW_MS,
  );
}
