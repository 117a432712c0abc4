import { createTokenProvider, tokenErrorFix } from '../../actions/graph/token.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';
import type { TeamsEnv } from './settings.js';

/** Teams: the bot's app id and secret get a Bot Framework token from its tenant's authority. */
export async function checkTeams(t: TeamsEnv, authorityHost: string): Promise<DoctorRow[]> {
  if (!t.MICROSOFT_APP_ID || !t.MICROSOFT_APP_PASSWORD || !t.MICROSOFT_APP_TENANT_ID)
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'skip', detail: 'not configured' }];
  try {
    await createTokenProvider({
      authorityHost: authorityHost,
      tenantId: t.MICROSOFT_APP_TENANT_ID,
      clientId: t.MICROSOFT_APP_ID,
      clientSecret: t.MICROSOFT_APP_PASSWORD,
      scope: 'https://api.botframework.com/.default',
      retry: { maxRetries: 2 },
    }).get();
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'pass', detail: 'Bot Framework token issued' }];
  } catch (err) {
    const msg = reason(err);
    return [{ group: 'teams', check: 'Teams bot credentials', status: 'fail', detail: msg, fix: tokenErrorFix(msg, 'MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID') }];
  }
}
