import { createTokenProvider, tokenErrorFix } from '../../actions/graph/token.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';
import { fetchJson } from '../../http/fetch-json.js';
import { teamsEndpoints } from './clouds.js';
import type { TeamsEnv } from './settings.js';

/**
 * Teams: the bot's app id and secret get a Bot Framework token from the login URL and for the scope of its
 * cloud (TEAMS_CLOUD, TEAMS_LOGIN_URL, TEAMS_OAUTH_SCOPE), as the bot itself does; and the signing keys of
 * inbound tokens can be read from the cloud's OpenID metadata.
 */
export async function checkTeams(t: TeamsEnv): Promise<DoctorRow[]> {
  if (!t.MICROSOFT_APP_ID || !t.MICROSOFT_APP_PASSWORD || !t.MICROSOFT_APP_TENANT_ID)
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'skip', detail: 'not configured' }];
  return Promise.all([checkBotToken(t), checkSigningKeys(t)]);
}

async function checkBotToken(t: TeamsEnv): Promise<DoctorRow> {
  const { loginUrl, oAuthScope } = teamsEndpoints(t);
  const login = new URL(loginUrl);
  try {
    await createTokenProvider({
      authorityHost: login.origin,
      tenantId: login.pathname.split('/').find(Boolean) ?? t.MICROSOFT_APP_TENANT_ID!,
      clientId: t.MICROSOFT_APP_ID!,
      clientSecret: t.MICROSOFT_APP_PASSWORD!,
      scope: `${oAuthScope.replace(/\/+$/, '')}/.default`,
      retry: { maxRetries: 2 },
    }).get();
    return { group: 'teams', check: 'Teams bot credentials', status: 'pass', detail: 'Bot Framework token issued' };
  } catch (err) {
    const msg = reason(err);
    return { group: 'teams', check: 'Teams bot credentials', status: 'fail', detail: msg, fix: tokenErrorFix(msg, 'MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID') };
  }
}

/**
 * Inbound requests are checked against the signing keys in the cloud's OpenID metadata: without them every
 * Teams request is refused. Fetched through the same transport (proxy, NO_PROXY) as the bot fetches them.
 */
async function checkSigningKeys(t: TeamsEnv): Promise<DoctorRow> {
  const check = 'Teams inbound token keys';
  const { openIdMetadataUrl } = teamsEndpoints(t);
  try {
    const meta = await fetchJson<{ jwks_uri?: unknown }>(openIdMetadataUrl, { service: 'Bot Framework OpenID metadata', retry: { maxRetries: 1 } });
    if (typeof meta.body?.jwks_uri !== 'string') throw new Error(`${openIdMetadataUrl} has no jwks_uri`);
    const keys = await fetchJson<{ keys?: unknown[] }>(meta.body.jwks_uri, { service: 'Bot Framework signing keys', retry: { maxRetries: 1 } });
    const n = Array.isArray(keys.body?.keys) ? keys.body.keys.length : 0;
    if (n === 0) throw new Error(`${meta.body.jwks_uri} lists no keys`);
    return { group: 'teams', check, status: 'pass', detail: `${n} signing keys from ${new URL(openIdMetadataUrl).host}` };
  } catch (err) {
    return { group: 'teams', check, status: 'fail', detail: reason(err), fix: `Allow ${new URL(openIdMetadataUrl).host} through the proxy (HTTPS_PROXY) and firewall, or fix TEAMS_CLOUD / TEAMS_OPENID_METADATA_URL` };
  }
}
