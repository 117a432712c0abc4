import { resolveTarget, userDetail, type ActionContext, type ActionResult } from './context.js';
import { describeUser, sendMail } from './graph/users.js';
import { keys } from '../store/keys.js';
import { outcomeUnknown } from './graph/client.js';
import { composeNotifyEmail, describeGraphFailure, NOT_CONFIGURED } from './messages.js';

const UNKNOWN_MAIL = (at?: number) =>
  `Email: unknown — check the mailbox. Microsoft Graph did not confirm the email${at ? ` sent ${new Date(at).toISOString()}` : ''}; it may have gone out, so it is not sent again.`;

/** The per-alert email record, written before sendMail: 'sending' until Graph answers, then 'accepted' or 'unknown'. */
interface MailRecord {
  state: 'sending' | 'accepted' | 'unknown';
  at: number;
  to: string;
}

/**
 * sendMail is not idempotent: at most one email per alert. The record is written before the call; an
 * earlier record (any state) means no new email. A definite refusal (4xx) removes it, so a fix can be retried.
 */
async function emailOnce(ctx: ActionContext, to: string, send: () => Promise<unknown>): Promise<{ state: 'accepted' | 'unknown'; earlier?: number } | { state: 'failed'; err: unknown }> {
  const key = keys.notifyMail(ctx.alert.id);
  const earlier = (await ctx.store.kv.get(key)) as MailRecord | undefined;
  if (earlier) return { state: earlier.state === 'accepted' ? 'accepted' : 'unknown', earlier: earlier.at };
  const at = ctx.now();
  await ctx.store.kv.set(key, { state: 'sending', at, to } satisfies MailRecord);
  try {
    await send();
    await ctx.store.kv.set(key, { state: 'accepted', at, to } satisfies MailRecord);
    return { state: 'accepted' };
  } catch (err) {
    if (outcomeUnknown(err)) {
      await ctx.store.kv.set(key, { state: 'unknown', at, to } satisfies MailRecord);
      return { state: 'unknown' };
    }
    await ctx.store.kv.delete(key);
    return { state: 'failed', err };
  }
}

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
  const unknown: string[] = [];
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
      const graph = ctx.graph;
      const sender = ctx.env.ENTRA_NOTIFY_SENDER;
      const sent = await emailOnce(ctx, to, () => sendMail(graph, sender, { to, ...mail }));
      detail.email = sent.state;
      if ('err' in sent) problems.push(describeGraphFailure(sent.err, `send the email from ${sender}`));
      else if (sent.state === 'unknown') unknown.push(UNKNOWN_MAIL(sent.earlier));
      else {
        reached.push(`email to ${describeUser(target.user)} from ${sender}${sent.earlier ? ` (sent ${new Date(sent.earlier).toISOString()}, not sent again)` : ''}`);
        warnings.push('Microsoft Graph accepted the email for delivery (202); delivery itself is not confirmed.');
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

  if (reached.length === 0 && unknown.length > 0)
    return { status: 'unknown', message: `${unknown.join(' ')}${problems.length ? ` ${problems.join(' ')}` : ''}`, warnings, detail };
  problems.push(...unknown);
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
