import type { NormalizedEvent } from '../../domain/index.js';

/** Administrative action keys named by the issue (the Panther data model's admin actions). */
export const ADMIN_ACTION_KEYS = new Set([
  'added_org_admin',
  'group_granted_admin_access',
  'user_granted_role',
  'user_revoked_role',
  'twosv_disabled_for_user',
]);
/**
 * Policy, API-key, domain and allowlist changes: their keys are not published, so they are recognised by key
 * or /event-actions display name (e.g. "Updated authentication policy", "Created API key", "Verified domain").
 */
const ADMIN_KEY_PATTERN = /(policy|policies|api_key|apikey|domain|allowlist|allow_list)/i;
const ADMIN_NAME_PATTERN = /(polic(y|ies)|api key|domain|allowlist|allow list|admin)/i;

export function isAdminAction(e: NormalizedEvent): boolean {
  return ADMIN_ACTION_KEYS.has(e.action) || ADMIN_KEY_PATTERN.test(e.action) || (!!e.actionName && ADMIN_NAME_PATTERN.test(e.actionName));
}

export function isImpersonation(e: NormalizedEvent): boolean {
  return e.action === 'user_logged_in_as_user' || (!!e.actionName && /logged in as (a |another )?user/i.test(e.actionName));
}
