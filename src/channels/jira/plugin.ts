import { defineChannel } from '../plugin.js';
import { checkJira } from './doctor.js';
import { createJiraChannel } from './index.js';
import { jiraSettings, type JiraSettings } from './settings.js';

/** Jira forwarding: one issue per alert, later revisions as comments. */
export const jiraChannel = defineChannel<JiraSettings>({
  name: 'jira',
  settings: jiraSettings,
  enabled: (s) => Boolean(s.JIRA_BASE_URL && s.JIRA_EMAIL && s.JIRA_API_TOKEN && s.JIRA_PROJECT_KEY),
  secrets: (s) => [s.JIRA_API_TOKEN],
  async create(s) {
    const channel = createJiraChannel({
      baseUrl: s.JIRA_BASE_URL!,
      email: s.JIRA_EMAIL!,
      apiToken: s.JIRA_API_TOKEN!,
      projectKey: s.JIRA_PROJECT_KEY!,
      issueType: s.JIRA_ISSUE_TYPE,
      labels: s.JIRA_LABELS,
    });
    return { channels: [channel], names: [channel.name] };
  },
  doctor: (s) => checkJira(s),
});
