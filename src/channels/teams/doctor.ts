import { createTokenProvider, tokenErrorFix } from '../../actions/graph/token.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';
import { teamsEndpoints } from './clouds.js';
import type { TeamsEnv } from './settings.js';

/**
 * Teams: the bot's app id and secret get a Bot Framework token from the login URL and for the scope of its
 * cloud (TEAMS_CLOUD, TEAMS_LOGIN_URL, TEAMS_OAUTH_SCOPE), as the bot itself does.
 */
export async function checkTeams(t: TeamsEnv): Promise<DoctorRow[]> {
  if (!t.MICROSOFT_APP_ID || !t.MICROSOFT_APP_PASSWORD || !t.MICROSOFT_APP_TENANT_ID)
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'skip', detail: 'not configured' }];
  const { loginUrl, oAuthScope } = teamsEndpoints(t);
  const login = new URL(loginUrl);
  try {
    await createTokenProvider({
      authorityHost: login.origin,
      tenantId: login.pathname.split('/').find(Boolean) ?? t.MICROSOFT_APP_TENANT_ID,
      clientId: t.MICROSOFT_APP_ID,
      clientSecret: t.MICROSOFT_APP_PASSWORD,
      scope: `${oAuthScope.replace(/\/+$/, '')}/.default`,
      retry: { maxRetries: 2 },
    }).get();
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'pass', detail: 'Bot Framework token issued' }];
  } catch (err) {
    const msg = reason(err);
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'fail', detail: msg, fix: tokenErrorFix(msg, 'MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID') }];
  }
}
