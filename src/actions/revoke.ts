import { resolveTarget, userDetail, type ActionContext, type ActionResult } from './context.js';
import { describeUser, isGuest, revokeSessions } from './graph/users.js';
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
  try {
    await revokeSessions(ctx.graph, user.id);
  } catch (err) {
    return { status: 'failed', message: describeGraphFailure(err, `revoke the sign-in sessions of ${describeUser(user)}`), detail };
  }
  return {
    status: 'done',
    message: `Revoked every refresh token and session of ${describeUser(user)} in Entra ID: they must sign in again.`,
    warnings: [REVOKE_DELAY_WARNING, SESSION_WARNING],
    alertStatus: 'actioned',
    detail,
  };
}
