import { createJiraClient } from './client.js';
import type { JiraSettings } from './settings.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';

/** Jira: the API token authenticates (GET /myself) and the project is visible (GET /project/{key}). */
export async function checkJira(o: JiraSettings): Promise<DoctorRow[]> {
  if (!o.JIRA_BASE_URL || !o.JIRA_EMAIL || !o.JIRA_API_TOKEN || !o.JIRA_PROJECT_KEY)
    return [{ group: 'jira', check: 'Jira', status: 'skip', detail: 'not configured' }];
  const jira = createJiraClient({ baseUrl: o.JIRA_BASE_URL, email: o.JIRA_EMAIL, apiToken: o.JIRA_API_TOKEN, retry: { maxRetries: 2 } });
  try {
    const me = await jira.myself();
    if (me.status !== 200)
      return [{ group: 'jira', check: 'Jira API token', status: 'fail', detail: `HTTP ${me.status}`, fix: 'Create an API token at id.atlassian.com → Security → API tokens for JIRA_EMAIL and set JIRA_API_TOKEN' }];
    const name = (me.body as { displayName?: string } | undefined)?.displayName;
    const rows: DoctorRow[] = [{ group: 'jira', check: 'Jira API token', status: 'pass', detail: `authenticated${name ? ` as ${name}` : ''}` }];
    const p = await jira.project(o.JIRA_PROJECT_KEY);
    rows.push(
      p.status === 200
        ? { group: 'jira', check: `Jira project ${o.JIRA_PROJECT_KEY}`, status: 'pass', detail: 'visible' }
        : { group: 'jira', check: `Jira project ${o.JIRA_PROJECT_KEY}`, status: 'fail', detail: `HTTP ${p.status}`, fix: `Check JIRA_PROJECT_KEY and that ${o.JIRA_EMAIL} may browse and create issues in it` },
    );
    return rows;
  } catch (err) {
    return [{ group: 'jira', check: 'Jira API token', status: 'fail', detail: reason(err), fix: 'Check JIRA_BASE_URL and the network path to it (HTTPS_PROXY)' }];
  }
}
