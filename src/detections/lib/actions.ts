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

/** The creation of an API token or API key (keys unpublished: matched by key or display name). */
export function isTokenCreation(e: NormalizedEvent): boolean {
  return TOKEN_CREATED.test(e.action) || (!!e.actionName && TOKEN_CREATED.test(e.actionName));
}
const TOKEN_CREATED = /(api[ _-]?(key|token)s?[ _-]?(was[ _-])?creat)|(creat(ed|e)?[ _-](an? )?(user |admin |organization )?api[ _-]?(key|token))|apikey[ _-]?creat/i;

/** What an export-like event takes out: a whole space or site ('bulk'), one item ('export'), an attachment ('download'). */
export type ExportKind = 'bulk' | 'export' | 'download';

const BULK = /((space|site|full|bulk|all)[ _-]?(data[ _-])?(export|backup))|(export(ed)?[ _-](a[ _-]|the[ _-])?(whole[ _-]|entire[ _-]|full[ _-])?(spaces?|sites?|data)\b)|backup[ _-]?(created|exported|downloaded)/i;
const EXPORT = /export/i;
const DOWNLOAD = /(attachment[ _-]?download)|(download(ed)?[ _-](an? )?attachment)/i;

export function exportKind(e: NormalizedEvent): ExportKind | undefined {
  const name = e.actionName ?? '';
  if (BULK.test(e.action) || BULK.test(name)) return 'bulk';
  if (EXPORT.test(e.action) || EXPORT.test(name)) return 'export';
  if (DOWNLOAD.test(e.action) || DOWNLOAD.test(name)) return 'download';
  return undefined;
}
