import { z } from 'zod';
import { list, need, optStr, optUrl, ALWAYS } from '../../lib/settings.js';
import { TEAMS_CLOUDS, type TeamsCloud } from './clouds.js';

const RESPONDER = /^(group:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Teams is enabled when MICROSOFT_APP_ID is set; a half-configured bot refuses to start. */
export const teamsSchema = z
  .object({
    MICROSOFT_APP_ID: optStr,
    MICROSOFT_APP_PASSWORD: optStr,
    MICROSOFT_APP_TENANT_ID: optStr,
    TEAMS_ALERT_CHANNEL: optStr,
    /** Where alerts nobody acknowledged are escalated (VIGIL_ACK_TIMEOUT): a channel id or name the bot has seen. */
    TEAMS_ESCALATION_CHANNEL: optStr,
    /** Responders: Entra user object ids and/or `group:<object id>` (members may act; needs Graph GroupMember.Read.All). */
    TEAMS_RESPONDERS: list,
    /** More tenant ids whose activities the bot serves, besides MICROSOFT_APP_TENANT_ID (others are refused). */
    TEAMS_ALLOWED_TENANTS: list,
    /** The Microsoft cloud of the bot (Bot Framework endpoints): public, gcch (GCC High), dod or china. */
    TEAMS_CLOUD: optStr
      .refine((v) => v === undefined || (TEAMS_CLOUDS as readonly string[]).includes(v.toLowerCase()), { message: `must be one of: ${TEAMS_CLOUDS.join(', ')}` })
      .transform((v) => (v?.toLowerCase() ?? 'public') as TeamsCloud),
    /** Each Bot Framework endpoint on its own (wins over TEAMS_CLOUD): sovereign variants, a local test server. */
    TEAMS_OPENID_METADATA_URL: optUrl,
    TEAMS_TOKEN_ISSUER: optUrl,
    TEAMS_LOGIN_URL: optUrl,
    TEAMS_OAUTH_SCOPE: optUrl,
    TEAMS_CHANNEL_SERVICE: optUrl,
  })
  .superRefine((env, ctx) => {
    const any = env.MICROSOFT_APP_ID || env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TENANT_ID;
    if (!any) return;
    if (!env.MICROSOFT_APP_ID) need(ctx, 'MICROSOFT_APP_ID', 'required: the Azure Bot registration app (client) id');
    if (!env.MICROSOFT_APP_PASSWORD) need(ctx, 'MICROSOFT_APP_PASSWORD', 'required: a client secret of the bot app registration');
    if (!env.MICROSOFT_APP_TENANT_ID) need(ctx, 'MICROSOFT_APP_TENANT_ID', 'required: the tenant id (single-tenant bot)');
    if (env.TEAMS_RESPONDERS.length === 0)
      need(ctx, 'TEAMS_RESPONDERS', 'required when Teams is enabled: Entra object ids and/or a group id allowed to act');
    for (const r of env.TEAMS_RESPONDERS)
      if (!RESPONDER.test(r))
        need(ctx, 'TEAMS_RESPONDERS', `"${r.slice(0, 60)}" must be an Entra user object id (a GUID) or group:<group object id>`);
    for (const t of env.TEAMS_ALLOWED_TENANTS)
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t))
        need(ctx, 'TEAMS_ALLOWED_TENANTS', `"${t.slice(0, 60)}" must be a tenant id (a GUID)`);
  }, ALWAYS);
export type TeamsEnv = z.infer<typeof teamsSchema>;
