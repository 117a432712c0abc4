import type { PolicySpec } from './policy.js';

const HOUR = 3_600_000;

/**
 * Guard Detect parity from the org audit log (issue 13 #6): the "authorization and access", "data exfiltration",
 * "product configuration" and "integration change" alerts of Guard Detect that the audit log can show. Atlassian
 * publishes display names ("Deactivated account", "App successful installation"), not action keys, so every policy
 * matches both: key patterns in snake_case and display-name patterns in words (`*` wildcard, case-insensitive).
 * The keys are listed, with where each was seen, in docs/action-keys.md.
 */
export const PARITY_POLICIES: readonly PolicySpec[] = [
  {
    name: 'password-reset',
    title: 'Password reset',
    description:
      "An account's password was reset (recovery link, or an admin's reset). Guard Detect alerts on org admins' resets; the audit log does not say whether an account is an admin, so every reset is shown at low severity. Limit it to your admins with `actors` in the policy file.",
    severity: 'low',
    enabled: true,
    match: { actions: ['*password_reset*', '*reset_password*', '*password_recovered*', 'reset password*', '*reset*password*', 'password reset*'] },
    runbook: 'Confirm with the account owner that they reset their password. If not, require re-sign-in, reset it again through a trusted channel and check their 2SV devices.',
  },
  {
    name: 'public-link-or-external-share',
    title: 'Public link or external sharing',
    description: 'A public link, anonymous access or sharing with people outside the organization was created or changed.',
    severity: 'medium',
    enabled: true,
    match: {
      actions: ['*public_link*', '*publiclink*', '*public link*', '*anonymous_access*', '*anonymous access*', '*external_shar*', '*external shar*', '*shared externally*', '*share*external*'],
    },
    runbook: 'Open the page or space and check what is now reachable from outside. Turn the link or sharing off unless the content is meant to be public; ask the actor why.',
  },
  {
    name: 'app-installed',
    title: 'App installed or removed',
    description: 'An app (Marketplace, Forge, Connect or OAuth integration) was installed or uninstalled: it gains or loses access to your data.',
    severity: 'low',
    enabled: true,
    match: {
      actions: ['*app_install*', '*app_uninstall*', '*addon_installed*', '*addon_uninstalled*', '*app*successful*installation*', '*app*successful*uninstallation*', '*installed*app*', '*app*installed*', '*app*uninstalled*'],
    },
    runbook: 'Check the app, its vendor and the scopes it was granted against your approved-apps list; uninstall it and ask the actor if it is not approved.',
  },
  {
    name: 'app-scope-changed',
    title: 'App access scopes changed',
    description: 'The data access (scopes) of an installed app or integration was changed or extended.',
    severity: 'medium',
    enabled: true,
    match: { actions: ['*app*scope*', '*scope*app*', '*oauth*scope*', '*scopes_updated*', '*scopes_changed*', '*scope*updated*', '*scope*changed*', '*scope*granted*'] },
    runbook: 'Compare the new scopes with what the app needs; revoke the grant or uninstall the app if the extension was not requested.',
  },
  {
    name: 'audit-log-webhook-changed',
    title: 'Audit-log webhook changed',
    description: "An audit-log streaming webhook was added, changed or removed: where the organization's audit trail is sent.",
    severity: 'high',
    enabled: true,
    match: { actions: ['*audit_log_webhook*', '*auditlog_webhook*', '*audit*webhook*', '*webhook*audit*'] },
    runbook: "Check the webhook's URL with the admin who changed it. A removed or redirected audit webhook is how an intruder hides: restore it and review the actor's recent admin actions.",
  },
  {
    name: 'data-security-policy-changed',
    title: 'Data security policy changed',
    description: 'A data security policy (export, public links, app access, AI access rules for classified content) was created, changed or deleted.',
    severity: 'medium',
    enabled: true,
    match: { actions: ['*data_security_polic*', '*datasecurity_polic*', '*data security polic*', '*data_polic*', '*data polic*'] },
    runbook: 'Review the policy change with the actor; revert it if it relaxes export, sharing or app access without a change ticket.',
  },
  {
    name: 'mass-deactivation',
    title: 'Many accounts deactivated',
    description: 'Ten or more accounts deactivated or deleted by one actor within an hour (a destructive insider, or an intruder locking the organization out).',
    severity: 'high',
    enabled: true,
    match: {
      actions: ['*user_deactivat*', '*deactivated_user*', '*account_deactivat*', '*deactivate_user*', '*user_deleted*', '*account_deleted*', '*deactivated*account*', '*deactivated*user*', '*deleted account*'],
    },
    threshold: { count: 10, withinMs: HOUR, groupBy: 'actor' },
    runbook: 'Ask the actor (and your identity team) whether a planned offboarding is under way. If not, suspend the actor at once and reactivate the accounts.',
  },
];
