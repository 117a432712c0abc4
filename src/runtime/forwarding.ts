import { createJiraChannel } from '../channels/jira/index.js';
import type { AlertChannel } from '../domain/index.js';
import { createWebhookChannels } from '../channels/siem/index.js';
import type { Config } from '../config/index.js';

/**
 * The forwarding channels the configuration asks for: one SIEM channel per VIGIL_SIEM_WEBHOOK_URLS entry, and
 * Jira when JIRA_* is set. Add them to the outbox's channel list (wrapped with `instrumentChannel` for metrics).
 */
export function createForwardingChannels(config: Config): AlertChannel[] {
  const o = config.ops;
  const channels: AlertChannel[] = [];
  if (o.VIGIL_SIEM_WEBHOOK_URLS.length > 0 && o.VIGIL_SIEM_WEBHOOK_SECRET)
    channels.push(
      ...createWebhookChannels({
        urls: o.VIGIL_SIEM_WEBHOOK_URLS,
        secret: o.VIGIL_SIEM_WEBHOOK_SECRET,
        authorization: o.VIGIL_SIEM_WEBHOOK_AUTHORIZATION,
        timeoutMs: config.core.HTTP_TIMEOUT_MS,
      }),
    );
  if (o.JIRA_BASE_URL && o.JIRA_EMAIL && o.JIRA_API_TOKEN && o.JIRA_PROJECT_KEY)
    channels.push(
      createJiraChannel({
        baseUrl: o.JIRA_BASE_URL,
        email: o.JIRA_EMAIL,
        apiToken: o.JIRA_API_TOKEN,
        projectKey: o.JIRA_PROJECT_KEY,
        issueType: o.JIRA_ISSUE_TYPE,
        labels: o.JIRA_LABELS,
      }),
    );
  return channels;
}
