import { z } from 'zod';
import { list, need, optStr, optUrl, ALWAYS } from './helpers.js';

/** SIEM webhook and Jira forwarding, /metrics protection. */
export const opsSchema = z
  .object({
    VIGIL_SIEM_WEBHOOK_URLS: list,
    VIGIL_SIEM_WEBHOOK_SECRET: optStr,
    /** Full Authorization header value sent with every SIEM delivery, e.g. `Bearer abc` or `Splunk <hec-token>`. */
    VIGIL_SIEM_WEBHOOK_AUTHORIZATION: optStr,
    /** When set, GET /metrics requires `Authorization: Bearer <this token>`. */
    VIGIL_METRICS_TOKEN: optStr,
    JIRA_BASE_URL: optUrl.transform((v) => v?.replace(/\/+$/, '')),
    JIRA_EMAIL: optStr,
    JIRA_API_TOKEN: optStr,
    JIRA_PROJECT_KEY: optStr,
    JIRA_ISSUE_TYPE: z.string().default('Task'),
    /** Labels put on every Jira issue Vigil creates (besides its own vigil-alert-<id> label). */
    JIRA_LABELS: list.transform((v) => (v.length > 0 ? v : ['vigil'])),
  })
  .superRefine((env, ctx) => {
    for (const u of env.VIGIL_SIEM_WEBHOOK_URLS)
      if (!/^https?:\/\/\S+$/.test(u)) need(ctx, 'VIGIL_SIEM_WEBHOOK_URLS', `"${u}" is not an http(s) URL`);
    if (env.VIGIL_SIEM_WEBHOOK_URLS.length > 0 && !env.VIGIL_SIEM_WEBHOOK_SECRET)
      need(ctx, 'VIGIL_SIEM_WEBHOOK_SECRET', 'required when VIGIL_SIEM_WEBHOOK_URLS is set: receivers verify the HMAC signature with it');
    if (env.VIGIL_SIEM_WEBHOOK_SECRET && env.VIGIL_SIEM_WEBHOOK_SECRET.length < 16)
      need(ctx, 'VIGIL_SIEM_WEBHOOK_SECRET', 'must be at least 16 characters (generate one with: openssl rand -hex 32)');
    if (env.VIGIL_METRICS_TOKEN && env.VIGIL_METRICS_TOKEN.length < 16)
      need(ctx, 'VIGIL_METRICS_TOKEN', 'must be at least 16 characters (generate one with: openssl rand -hex 32)');
    for (const l of env.JIRA_LABELS)
      if (/\s/.test(l)) need(ctx, 'JIRA_LABELS', `"${l}" contains a space; Jira labels cannot`);
    const jira = env.JIRA_BASE_URL || env.JIRA_EMAIL || env.JIRA_API_TOKEN || env.JIRA_PROJECT_KEY;
    if (jira) {
      if (!env.JIRA_BASE_URL) need(ctx, 'JIRA_BASE_URL', 'required for Jira forwarding, e.g. https://your-site.atlassian.net');
      if (!env.JIRA_EMAIL) need(ctx, 'JIRA_EMAIL', 'required for Jira forwarding: the account that owns JIRA_API_TOKEN');
      if (!env.JIRA_API_TOKEN) need(ctx, 'JIRA_API_TOKEN', 'required for Jira forwarding: an API token of JIRA_EMAIL');
      if (!env.JIRA_PROJECT_KEY) need(ctx, 'JIRA_PROJECT_KEY', 'required for Jira forwarding, e.g. SEC');
    }
  }, ALWAYS);
export type OpsEnv = z.infer<typeof opsSchema>;
