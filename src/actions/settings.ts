import { z } from 'zod';
import { bool, list, need, optStr, optUrl, ALWAYS } from '../lib/settings.js';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** ENTRA_PROTECTED_USERS entries: a user object id, a UPN, or `group:<object id>` (members, transitively). */
const PROTECTED_ENTRY = new RegExp(`^(${GUID}|group:${GUID}|[^@\\s]+@[^@\\s]+)$`, 'i');

/** Entra ID (Microsoft Graph) actions are enabled when ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET are all set. */
export const entraSchema = z
  .object({
    ENTRA_TENANT_ID: optStr,
    ENTRA_CLIENT_ID: optStr,
    ENTRA_CLIENT_SECRET: optStr,
    ENTRA_AUTHORITY_HOST: optUrl.transform((v) => (v ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')),
    GRAPH_BASE_URL: optUrl.transform((v) => (v ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '')),
    ENTRA_NOTIFY_SENDER: optStr,
    ENTRA_PROTECTED_USERS: list,
    /** `atlassian-domain=entra-domain` pairs, e.g. `example.com=example.onmicrosoft.com`. */
    ENTRA_DOMAIN_MAP: list,
    ENTRA_FOUR_EYES: bool(true),
  })
  .superRefine((env, ctx) => {
    for (const entry of env.ENTRA_PROTECTED_USERS)
      if (!PROTECTED_ENTRY.test(entry))
        need(ctx, 'ENTRA_PROTECTED_USERS', `"${entry}" must be a user object id (GUID), a UPN (name@domain) or group:<group object id>`);
    for (const pair of env.ENTRA_DOMAIN_MAP)
      if (!/^[^=\s]+=[^=\s]+$/.test(pair)) need(ctx, 'ENTRA_DOMAIN_MAP', `"${pair}" must look like atlassian.example=entra.example`);
    if (env.ENTRA_NOTIFY_SENDER && !/^[^@\s]+@[^@\s]+$/.test(env.ENTRA_NOTIFY_SENDER))
      need(ctx, 'ENTRA_NOTIFY_SENDER', 'must be the UPN or address of the sending mailbox, e.g. security-alerts@contoso.com');
    const any = env.ENTRA_TENANT_ID || env.ENTRA_CLIENT_ID || env.ENTRA_CLIENT_SECRET;
    if (!any) return;
    if (!env.ENTRA_TENANT_ID) need(ctx, 'ENTRA_TENANT_ID', 'required: the directory (tenant) id of the app registration');
    if (!env.ENTRA_CLIENT_ID) need(ctx, 'ENTRA_CLIENT_ID', 'required: the application (client) id');
    if (!env.ENTRA_CLIENT_SECRET) need(ctx, 'ENTRA_CLIENT_SECRET', 'required: a client secret of the app registration');
  }, ALWAYS);
export type EntraEnv = z.infer<typeof entraSchema>;
