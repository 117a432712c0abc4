import type { Config } from '../../config/index.js';
import { fetchJson } from '../../http/fetch-json.js';
import { DAY_MS, reason, type DoctorRow } from '../../domain/doctor.js';
import { isFailedLoginAction } from '../../detections/lib/event.js';
import { createAtlassianClient } from '../../sources/atlassian/client.js';

const KEYS_PAGE = 'admin.atlassian.com → Settings → API keys';

/** Days until the key expires (negative once expired); undefined when ATLASSIAN_API_KEY_EXPIRES is unset. */
export function daysUntil(expires: string | undefined, now: number): number | undefined {
  if (!expires) return undefined;
  const at = Date.parse(expires);
  return Number.isNaN(at) ? undefined : Math.floor((at - now) / DAY_MS);
}

/** The key can read the audit log (events-stream, limit 1), and how long until it expires. */
export async function checkAtlassian(config: Config, now: number): Promise<DoctorRow[]> {
  const core = config.core;
  if (!core.ATLASSIAN_API_KEY || !core.ATLASSIAN_ORG_ID)
    return [{ group: 'atlassian', check: 'Atlassian API key', status: 'skip', detail: 'not configured: Vigil runs on the demo audit log' }];
  const rows: DoctorRow[] = [];
  const q = new URLSearchParams({ limit: '1', from: String(now - 3_600_000), sortOrder: 'asc' });
  const url = `${core.ATLASSIAN_API_BASE_URL}/admin/v1/orgs/${encodeURIComponent(core.ATLASSIAN_ORG_ID)}/events-stream?${q}`;
  const check = 'Atlassian API key reads the audit log';
  try {
    const res = await fetchJson<{ data?: unknown }>(url, {
      service: 'Atlassian',
      headers: { authorization: `Bearer ${core.ATLASSIAN_API_KEY}` },
      passStatuses: [401, 403, 404],
      retry: { maxRetries: 2, maxRetryAfterMs: 30_000 },
    });
    if (res.status === 401)
      rows.push({ group: 'atlassian', check, status: 'fail', detail: 'HTTP 401: the key is invalid, expired or revoked', fix: `Create a new API key in ${KEYS_PAGE}; set ATLASSIAN_API_KEY and ATLASSIAN_API_KEY_EXPIRES` });
    else if (res.status === 403)
      rows.push({ group: 'atlassian', check, status: 'fail', detail: 'HTTP 403: the key may not read this organization\'s audit log', fix: `Check that ATLASSIAN_ORG_ID is the organization of the key (${KEYS_PAGE}) and that the org has Atlassian Guard (Standard or above)` });
    else if (res.status === 404)
      rows.push({ group: 'atlassian', check, status: 'fail', detail: 'HTTP 404: organization not found', fix: `Set ATLASSIAN_ORG_ID to the Organization ID shown in ${KEYS_PAGE}` });
    else if (!Array.isArray(res.body?.data))
      rows.push({ group: 'atlassian', check, status: 'fail', detail: 'the answer is not an events-stream page', fix: 'Check ATLASSIAN_API_BASE_URL (default https://api.atlassian.com)' });
    else {
      rows.push({ group: 'atlassian', check, status: 'pass', detail: `org ${core.ATLASSIAN_ORG_ID}: events-stream answered` });
      rows.push(await checkFailedLogins(config));
    }
  } catch (err) {
    rows.push({ group: 'atlassian', check, status: 'fail', detail: reason(err), fix: 'Check the network path to ATLASSIAN_API_BASE_URL (firewall, HTTPS_PROXY)' });
  }

  rows.push(...expiryRows(core.ATLASSIAN_API_KEY_EXPIRES, now));
  return rows;
}

const FAILED_LOGIN_DETECTIONS = 'failed-logins, password-spray and distributed-brute-force';

/**
 * Does this org's audit log record failed sign-ins at all? Atlassian does not promise it (an org whose people
 * sign in through SSO has them in the identity provider's log instead). Asked of the `/event-actions` catalogue,
 * by key or display name, as the detections match them. A warning, not a failure: the other detections work.
 */
async function checkFailedLogins(config: Config): Promise<DoctorRow> {
  const core = config.core;
  const check = 'Audit log records failed logins';
  try {
    const client = createAtlassianClient({ baseUrl: core.ATLASSIAN_API_BASE_URL, orgId: core.ATLASSIAN_ORG_ID!, apiKey: core.ATLASSIAN_API_KEY!, pageLimit: 1, retry: { maxRetries: 2, maxRetryAfterMs: 30_000 } });
    const names = await client.readEventActions();
    const found = [...names].filter(([key, name]) => isFailedLoginAction(key, name)).map(([key, name]) => `${key} (${name})`);
    if (found.length > 0) return { group: 'atlassian', check, status: 'pass', detail: `/event-actions lists ${found.slice(0, 3).join(', ')}${found.length > 3 ? ` and ${found.length - 3} more` : ''}` };
    return {
      group: 'atlassian',
      check,
      status: 'warn',
      detail: `/event-actions lists no failed-login action among ${names.size}: ${FAILED_LOGIN_DETECTIONS} cannot fire from this org's audit log`,
      fix: "Failed sign-ins of SSO users are in the identity provider's log (Entra ID sign-in logs): watch them there. The other detections are unaffected",
    };
  } catch (err) {
    return { group: 'atlassian', check, status: 'warn', detail: `could not read /event-actions: ${reason(err)}`, fix: `Unknown whether ${FAILED_LOGIN_DETECTIONS} can fire; the sweep retries the catalogue daily` };
  }
}

function expiryRows(expires: string | undefined, now: number): DoctorRow[] {
  const rows: DoctorRow[] = [];
  const days = daysUntil(expires, now);
  const expiry = 'Atlassian API key expiry';
  if (days === undefined)
    rows.push({ group: 'expiry', check: expiry, status: 'warn', detail: 'unknown', fix: `Set ATLASSIAN_API_KEY_EXPIRES to the expiry date shown in ${KEYS_PAGE}, so Vigil warns 14, 7 and 1 days ahead` });
  else if (days < 0)
    rows.push({ group: 'expiry', check: expiry, status: 'fail', detail: `expired on ${expires}`, fix: `Create a new API key in ${KEYS_PAGE}; set ATLASSIAN_API_KEY and ATLASSIAN_API_KEY_EXPIRES` });
  else if (days <= 14)
    rows.push({ group: 'expiry', check: expiry, status: 'warn', detail: `expires in ${days} day${days === 1 ? '' : 's'} (${expires})`, fix: `Create a replacement key in ${KEYS_PAGE} before then` });
  else rows.push({ group: 'expiry', check: expiry, status: 'pass', detail: `expires in ${days} days (${expires})` });
  return rows;
}
