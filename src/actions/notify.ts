import { resolveTarget, userDetail, type ActionContext, type ActionResult } from './context.js';
import { describeUser, sendMail } from './graph/users.js';
import { composeNotifyEmail, describeGraphFailure, NOT_CONFIGURED } from './messages.js';

/**
 * Notify user: an email from ENTRA_NOTIFY_SENDER (Graph sendMail, Mail.Send) plus a "Was this you?" direct
 * message through every registered messenger. Done when at least one of them reached the user.
 */
export async function notifyUser(ctx: ActionContext): Promise<ActionResult> {
  const email = ctx.alert.actor.email;
  if (!email)
    return { status: 'refused', message: `The alert's Atlassian account (${ctx.alert.actor.id}) has no email address: nobody to notify.` };

  const reached: string[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  const detail: Record<string, unknown> = { email };

  // 1. Email through Microsoft Graph.
  if (!ctx.graph) problems.push(`No email sent: ${NOT_CONFIGURED}.`);
  else if (!ctx.env.ENTRA_NOTIFY_SENDER) problems.push('No email sent: ENTRA_NOTIFY_SENDER (the sending mailbox) is not set.');
  else {
    const target = await resolveTarget(ctx, ctx.graph);
    if ('result' in target) problems.push(`No email sent: ${target.result.message}`);
    else {
      const to = target.user.mail ?? email;
      const mail = composeNotifyEmail(ctx.alert, target.user.displayName);
      Object.assign(detail, userDetail(target.user), { mailTo: to, sender: ctx.env.ENTRA_NOTIFY_SENDER });
      try {
        await sendMail(ctx.graph, ctx.env.ENTRA_NOTIFY_SENDER, { to, ...mail });
        reached.push(`email to ${describeUser(target.user)} from ${ctx.env.ENTRA_NOTIFY_SENDER}`);
        warnings.push('Microsoft Graph accepted the email for delivery (202); delivery itself is not confirmed.');
      } catch (err) {
        problems.push(describeGraphFailure(err, `send the email from ${ctx.env.ENTRA_NOTIFY_SENDER}`));
      }
    }
  }

  // 2. "Was this you?" on every chat platform that can find the user.
  const dms: Array<{ platform: string; sent: boolean; detail: string }> = [];
  for (const m of ctx.messengers) {
    try {
      const r = await m.askWasThisYou({ alert: ctx.alert, email });
      dms.push({ platform: m.platform, ...r });
      if (r.sent) reached.push(`${m.platform} direct message`);
      else problems.push(`No ${m.platform} direct message: ${r.detail}`);
    } catch (err) {
      dms.push({ platform: m.platform, sent: false, detail: (err as Error).message });
      problems.push(`No ${m.platform} direct message: ${(err as Error).message}`);
    }
  }
  detail.directMessages = dms;

  if (reached.length === 0) {
    const nothingTried = !ctx.graph && ctx.messengers.length === 0;
    return {
      status: nothingTried ? 'refused' : 'failed',
      message: nothingTried ? `Cannot notify ${email}: ${NOT_CONFIGURED}, and no chat platform can message the user.` : `Could not notify ${email}. ${problems.join(' ')}`,
      warnings,
      detail,
    };
  }
  return {
    status: 'done',
    message: `Notified ${email}: ${reached.join(' and ')}.${problems.length ? ` ${problems.join(' ')}` : ''}`,
    warnings,
    detail,
  };
}
