import type { PolicySpec } from './policy.js';
import { PARITY_POLICIES } from './policy-pack-parity.js';

/**
 * The default pack, modelled on Atlassian Guard Detect's "authorization and access" and "data exfiltration"
 * detections. Action keys beyond the list are not published by Atlassian, so each policy also matches
 * the /event-actions display names by wildcard. Override or disable any of them by name in the policy file.
 */
export const DEFAULT_POLICY_PACK: readonly PolicySpec[] = [
  {
    name: 'new-org-admin',
    title: 'New organization admin',
    description: 'A user or group was given organization admin rights.',
    severity: 'high',
    enabled: true,
    match: { actions: ['added_org_admin', '*org_admin_added*', '*organization admin*added*', 'added*organization admin*'] },
    runbook: 'Confirm the grant with the admin who made it and the new admin. If unexpected, remove the admin role and suspend the actor.',
  },
  {
    name: 'two-step-verification-disabled',
    title: 'Two-step verification disabled',
    description: 'Two-step verification was turned off for a user or the enforcement policy was relaxed.',
    severity: 'high',
    enabled: true,
    match: { actions: ['twosv_disabled_for_user', '*twosv*disabled*', '*2sv*disabled*', '*two-step verification*disabled*', 'disabled two-step*'] },
    runbook: 'Ask the actor why 2SV was disabled. Re-enable it unless there is a documented reason; check the affected account for new sessions.',
  },
  {
    name: 'auth-policy-changed',
    title: 'Authentication or IP-allowlist policy changed',
    description: 'An authentication policy, IP allowlist or verified domain changed.',
    severity: 'medium',
    enabled: true,
    match: {
      actions: ['*authentication_policy*', '*auth_policy*', '*ip_allowlist*', '*allowlist*', '*authentication policy*', '*ip allowlist*', '*domain_verified*', '*domain_removed*', '*verified domain*'],
    },
    runbook: 'Review the policy change with the actor; revert it if it weakens sign-in requirements without a change ticket.',
  },
  {
    name: 'api-key-created',
    title: 'API key or token created',
    description: 'An organization API key or a user API token was created.',
    severity: 'medium',
    enabled: true,
    match: { actions: ['*api_key_created*', '*api_token_created*', '*apikey_created*', '*api key*created*', 'created*api key*', '*api token*created*', 'created*api token*'] },
    runbook: 'Confirm the key with its creator, its scope and expiry. Revoke keys nobody owns.',
  },
  {
    name: 'mass-export',
    title: 'Mass export',
    // Superseded by the data-exfiltration detection (bursts and drips against each actor's and token's own
    // baseline); kept, off, so policy files that name it stay valid and it can be switched back on.
    description: 'Many export actions (pages, spaces, issues, audit logs) by one actor in a short window. Off by default: data-exfiltration supersedes it.',
    severity: 'high',
    enabled: false,
    match: { actions: ['*export*'] },
    threshold: { count: 20, withinMs: 10 * 60_000, groupBy: 'actor' },
    runbook: 'Ask the actor what the exports are for. If unexplained, suspend the user and check where the exported data went.',
  },
  ...PARITY_POLICIES,
];
