import type { Alert } from '../domain/index.js';
import type { RetryPolicy } from '../http/retry.js';
import type { Delivery } from '../store/store.js';
import { createJiraClient } from './jira/client.js';
import { alertLabel, commentMarker, renderJiraComment, renderJiraIssueFields } from './jira/render.js';
import type { AlertChannel, AlertView } from './types.js';

export { alertLabel, commentMarker, renderJiraComment, renderJiraDescription, renderJiraIssueFields } from './jira/render.js';
export { createJiraClient } from './jira/client.js';

export interface JiraChannelOptions {
  baseUrl: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  labels: string[];
  /** Link back to the alert in Vigil (or its chat card), when one exists. */
  alertUrl?: (alert: Alert) => string | undefined;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

/**
 * Jira forwarding: one issue per alert, later revisions as comments. Never two issues for one alert: the
 * issue key is the delivery ref, and when the ref is missing (a crash between create and record) the
 * issue is first looked up by its `vigil-alert-<id>` label. A retried comment is recognised by its marker.
 */
export function createJiraChannel(opts: JiraChannelOptions): AlertChannel {
  const jira = createJiraClient(opts);
  const ref = (key: string) => ({ issueKey: key, issueUrl: jira.browseUrl(key) });

  async function create(view: AlertView): Promise<string> {
    const fields = renderJiraIssueFields(view, {
      projectKey: opts.projectKey,
      issueType: opts.issueType,
      labels: opts.labels,
      alertUrl: opts.alertUrl?.(view.alert),
    });
    return (await jira.createIssue(fields)).key;
  }

  return {
    name: 'jira',
    async deliver(view: AlertView, previous: Delivery | undefined) {
      const alert = view.alert;
      let key = previous?.ref.issueKey;
      if (!key) {
        key = await jira.findIssueByLabel(alertLabel(alert.id));
        if (!key) return ref(await create(view));
        // Found after a lost record: the issue holds revision 1 at least; comment only if the alert moved on.
        if (alert.revision <= 1) return ref(key);
      }
      const marker = commentMarker(alert);
      const comments = await jira.recentComments(key);
      if (comments === undefined) {
        // The issue was deleted (or hidden from JIRA_EMAIL): open a fresh one unless another already exists.
        const other = await jira.findIssueByLabel(alertLabel(alert.id));
        return ref(other && other !== key ? other : await create(view));
      }
      if (comments.some((c) => JSON.stringify(c.body).includes(marker))) return ref(key);
      const added = await jira.addComment(key, renderJiraComment(view, opts.alertUrl?.(alert)));
      if (!added) return ref(await create(view));
      return ref(key);
    },
  };
}
