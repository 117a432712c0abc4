import { z } from 'zod';
import { list, need, optStr } from './helpers.js';

/** Teams is enabled when MICROSOFT_APP_ID is set; a half-configured bot refuses to start. */
export const teamsSchema = z
  .object({
    MICROSOFT_APP_ID: optStr,
    MICROSOFT_APP_PASSWORD: optStr,
    MICROSOFT_APP_TENANT_ID: optStr,
    TEAMS_ALERT_CHANNEL: optStr,
    TEAMS_RESPONDERS: list,
  })
  .superRefine((env, ctx) => {
    const any = env.MICROSOFT_APP_ID || env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TENANT_ID;
    if (!any) return;
    if (!env.MICROSOFT_APP_ID) need(ctx, 'MICROSOFT_APP_ID', 'required: the Azure Bot registration app (client) id');
    if (!env.MICROSOFT_APP_PASSWORD) need(ctx, 'MICROSOFT_APP_PASSWORD', 'required: a client secret of the bot app registration');
    if (!env.MICROSOFT_APP_TENANT_ID) need(ctx, 'MICROSOFT_APP_TENANT_ID', 'required: the tenant id (single-tenant bot)');
    if (env.TEAMS_RESPONDERS.length === 0)
      need(ctx, 'TEAMS_RESPONDERS', 'required when Teams is enabled: Entra object ids and/or a group id allowed to act');
  });
export type TeamsEnv = z.infer<typeof teamsSchema>;
