import type { Alert } from '../domain/index.js';
import { GraphError } from './graph/client.js';

/** Shown on every revoke/suspend outcome: neither reaches into Atlassian itself. */
export const SESSION_WARNING =
  'Existing Atlassian sessions and already-issued access tokens can outlive this action: Entra ID access tokens stay valid ' +
  'until they expire (about an hour), and Atlassian keeps its own web session until it times out or is ended in Atlassian admin.';

export const SYNC_WARNING =
  'This user is synced from on-premises Active Directory (onPremisesSyncEnabled): the next directory sync may overwrite ' +
  'this change. Make the same change in on-premises AD.';

export const REVOKE_DELAY_WARNING = 'Revocation can take a few minutes to take effect.';

export const DRY_RUN_NOTE = 'Dry run (VIGIL_DRY_RUN=true): nothing was changed and no Microsoft Graph call was made.';

export const NOT_CONFIGURED = 'Entra ID is not configured: set ENTRA_TENANT_ID, ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET';

/** A readable line for a failed Graph call, with a hint for the common causes. */
export function describeGraphFailure(err: unknown, doing: string): string {
  if (!(err instanceof GraphError)) return `Could not ${doing}: ${(err as Error).message ?? String(err)}`;
  let hint = '';
  if (err.httpStatus === 403)
    hint =
      ' The app registration lacks a permission (admin-consented User.Read.All, User.RevokeSessions.All, ' +
      'User.EnableDisableAccount.All, Mail.Send), Mail.Send is scoped away from the sender mailbox, or the target holds a privileged ' +
      'admin role, which app-only callers may only change when the app itself holds a higher Entra role.';
  else if (err.httpStatus === 400 && /on-premises|Directory Sync/i.test(err.graphMessage))
    hint = ' The user is mastered in on-premises AD: make the change there.';
  else if (err.httpStatus === 404) hint = ' The user or mailbox no longer exists in Entra ID.';
  else if (err.httpStatus === 429) hint = ' Microsoft Graph is throttling this app; try again in a few minutes.';
  return `Could not ${doing}. ${err.message}.${hint}`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The notification email: what was seen, and what to do. Plain text, no links to click. */
export function composeNotifyEmail(alert: Alert, recipientName?: string | null): { subject: string; text: string } {
  const lines = [
    `Hello${recipientName ? ` ${recipientName}` : ''},`,
    '',
    'Our security monitoring noticed activity on your Atlassian account that we would like you to confirm:',
    '',
    `  ${alert.title}`,
    `  ${alert.summary}`,
    `  When: ${iso(alert.firstSeen)}${alert.lastSeen !== alert.firstSeen ? ` to ${iso(alert.lastSeen)}` : ''} (UTC)`,
    ...alert.evidence.slice(0, 8).map((e) => `  ${e.label}: ${e.value}`),
    '',
    'If this was you, no action is needed (you can confirm it in the chat message we sent you, if you received one).',
    'If this was NOT you:',
    '  1. Change your password and review your sign-in methods (MFA) now.',
    '  2. Tell the security team by replying to this email or in the chat message.',
    '',
    'We will never ask you for your password. This message was sent by the Vigil security bot on behalf of the security team.',
    `Reference: ${alert.id}`,
  ];
  return { subject: `Security alert: ${alert.title}`.slice(0, 255), text: lines.join('\n') };
}
