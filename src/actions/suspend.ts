import { resolveTarget, responderKey, responderName, userDetail, type ActionContext, type ActionResult } from './context.js';
import { changeAndConfirm, CONFIRMED_NOTE, type StepRecord } from './confirm.js';
import { describeUser, getMemberships, isGuest, readUser, setAccountEnabled, type Memberships } from './graph/users.js';
import { isAdmin, protectedReason } from './guards.js';
import { checkDetail } from './four-eyes.js';
import { describeGraphFailure, NOT_CONFIGURED, SESSION_WARNING, SYNC_WARNING } from './messages.js';
import { revokeAndConfirm } from './revoke.js';

/**
 * Suspend user: `PATCH /users/{id}` `{"accountEnabled": false}`, then revoke sessions. Protected users are
 * refused; an administrator (any activated directory role) needs a second responder's approval (ENTRA_FOUR_EYES).
 */
export async function suspendUser(ctx: ActionContext): Promise<ActionResult> {
  if (!ctx.graph) return { status: 'refused', message: NOT_CONFIGURED };
  const graph = ctx.graph;
  const target = await resolveTarget(ctx, graph);
  if ('result' in target) return target.result;
  const { user } = target;
  const who = describeUser(user);
  const detail: Record<string, unknown> = userDetail(user);

  const early = protectedReason(ctx.protectedList, user);
  if (early) return { status: 'refused', message: `${who} is protected and is never suspended: ${early}.`, detail };

  let memberships: Memberships | undefined;
  if (ctx.protectedList.groups.size > 0 || ctx.env.ENTRA_FOUR_EYES) {
    try {
      memberships = await getMemberships(graph, user.id);
    } catch (err) {
      return {
        status: 'failed',
        message: describeGraphFailure(err, `read the directory roles and groups of ${who} (needed for the protected-user and four-eyes checks)`),
        detail,
      };
    }
    const reason = protectedReason(ctx.protectedList, user, memberships);
    if (reason) return { status: 'refused', message: `${who} is protected and is never suspended: ${reason}.`, detail };
    detail.directoryRoles = memberships.directoryRoleIds.length;
  }

  if (ctx.env.ENTRA_FOUR_EYES && memberships && isAdmin(memberships)) {
    const prev = ctx.previous;
    // Another person (not just another click): the service compared the two identities (four-eyes.ts).
    const approving = prev?.status === 'pending-approval' && ctx.people?.verdict === 'different';
    if (!approving)
      return {
        status: 'pending-approval',
        message:
          `${who} is an administrator (holds ${memberships.directoryRoleIds.length} Entra directory role(s)). Suspending needs a ` +
          `second responder's approval: another responder must click Suspend to approve (four-eyes, ENTRA_FOUR_EYES).`,
        detail,
      };
    detail.requestedBy = responderKey(prev.by);
    detail.approvedBy = responderKey(ctx.req.by);
    detail.fourEyes = checkDetail(ctx.people!);
  }

  const approvedNote = detail.approvedBy ? ` Requested by ${responderName(ctx.previous!.by)}, approved by ${responderName(ctx.req.by)}.` : '';
  const warnings = [SESSION_WARNING];
  if (user.onPremisesSyncEnabled) warnings.push(SYNC_WARNING);

  // Each step is recorded; the message says what actually happened, as the directory shows it.
  const steps: StepRecord[] = [];
  detail.steps = steps;
  let disabled: string;
  if (user.accountEnabled === false) {
    steps.push({ step: 'disable', result: 'already' });
    disabled = `${who} was already disabled in Entra ID.`;
  } else {
    const r = await changeAndConfirm(
      () => setAccountEnabled(graph, user.id, false),
      async () => (await readUser(graph, user.id)).accountEnabled === false,
    );
    if (!r.ok) {
      steps.push({ step: 'disable', result: r.unknown ? 'unknown' : 'failed' }, { step: 'revoke-sessions', result: 'skipped' });
      if (r.unknown)
        return { status: 'unknown', message: `Microsoft Graph did not answer when disabling ${who}, and the account could not be read back: outcome unknown, check the account in the Entra admin center.${approvedNote}`, warnings, detail };
      return { status: 'failed', message: describeGraphFailure(r.err, `disable ${who}`) + approvedNote, warnings, detail };
    }
    steps.push({ step: 'disable', result: r.confirmed ? 'confirmed-after-no-answer' : 'done' });
    disabled = `Disabled ${who} in Entra ID (accountEnabled=false)${r.confirmed ? CONFIRMED_NOTE : ''}: no new sign-ins.`;
  }

  if (isGuest(user)) {
    steps.push({ step: 'revoke-sessions', result: 'skipped', note: 'guest' });
    warnings.push('Guest user: sign-in sessions were not revoked (Entra ID cannot revoke a guest\'s home-tenant sessions).');
  } else {
    const r = await revokeAndConfirm(graph, user.id, ctx.now());
    steps.push({ step: 'revoke-sessions', result: r.ok ? (r.confirmed ? 'confirmed-after-no-answer' : 'done') : r.unknown ? 'unknown' : 'failed' });
    if (r.ok) disabled += ` Revoked their sign-in sessions${r.confirmed ? CONFIRMED_NOTE : ''}.`;
    else if (r.unknown) warnings.push('The account is disabled, but Microsoft Graph did not answer the session revoke: outcome unknown, press Require re-sign-in to make sure.');
    else warnings.push(`The account is disabled, but revoking its sessions failed: ${describeGraphFailure(r.err, 'revoke sessions')}`);
  }
  return { status: 'done', message: disabled + approvedNote, warnings, alertStatus: 'actioned', detail };
}

/** Unsuspend user: `PATCH /users/{id}` `{"accountEnabled": true}`. */
export async function unsuspendUser(ctx: ActionContext): Promise<ActionResult> {
  if (!ctx.graph) return { status: 'refused', message: NOT_CONFIGURED };
  const target = await resolveTarget(ctx, ctx.graph);
  if ('result' in target) return target.result;
  const { user } = target;
  const who = describeUser(user);
  const detail = userDetail(user);
  const warnings = user.onPremisesSyncEnabled ? [SYNC_WARNING] : [];
  if (user.accountEnabled === true) return { status: 'done', message: `${who} is already enabled in Entra ID; nothing to change.`, warnings, detail };
  const graph = ctx.graph;
  const r = await changeAndConfirm(
    () => setAccountEnabled(graph, user.id, true),
    async () => (await readUser(graph, user.id)).accountEnabled === true,
  );
  if (!r.ok && r.unknown)
    return { status: 'unknown', message: `Microsoft Graph did not answer when re-enabling ${who}, and the account could not be read back: outcome unknown, check it in the Entra admin center.`, warnings, detail };
  if (!r.ok) return { status: 'failed', message: describeGraphFailure(r.err, `re-enable ${who}`), warnings, detail };
  return { status: 'done', message: `Re-enabled ${who} in Entra ID (accountEnabled=true)${r.confirmed ? CONFIRMED_NOTE : ''}: they can sign in again.`, warnings, detail };
}
