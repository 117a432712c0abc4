import { z } from 'zod';
import { list, need, optStr, optUrl, ALWAYS } from '../../lib/settings.js';

/** Jira forwarding: one issue per alert. Enabled when JIRA_BASE_URL (and the rest) is set. */
export const jiraSettings = z
  .object({
    JIRA_BASE_URL: optUrl.transform((v) => v?.replace(/\/+$/, '')),
    JIRA_EMAIL: optStr,
    JIRA_API_TOKEN: optStr,
    JIRA_PROJECT_KEY: optStr,
    JIRA_ISSUE_TYPE: z.string().default('Task'),
    /** Labels put on every Jira issue Vigil creates (besides its own vigil-alert-<id> label). */
    JIRA_LABELS: list.transform((v) => (v.length > 0 ? v : ['vigil'])),
  })
  .superRefine((env, ctx) => {
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
export type JiraSettings = z.infer<typeof jiraSettings>;
