import type { RetryPolicy } from '../../http/retry.js';
import { createJiraClient } from './client.js';
import { alertLabel, commentMarker, renderJiraComment, renderJiraIssueFields } from './render.js';
import type { AlertChannel, AlertView, PriorDelivery } from '../../domain/index.js';

export { alertLabel, commentMarker, renderJiraComment, renderJiraDescription, renderJiraIssueFields } from './render.js';
export { createJiraClient } from './client.js';

export interface JiraChannelOptions {
  baseUrl: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  labels: string[];
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
    });
    return (await jira.createIssue(fields)).key;
  }

  /** A later revision on an existing issue: one comment per revision (a retried comment is recognised). */
  async function update(view: AlertView, key: string): Promise<Record<string, string>> {
    const alert = view.alert;
    const comments = await jira.recentComments(key);
    if (comments === undefined) {
      // The issue was deleted (or hidden from JIRA_EMAIL): open a fresh one unless another already exists.
      const other = await jira.findIssueByLabel(alertLabel(alert.id));
      return ref(other && other !== key ? other : await create(view));
    }
    if (comments.some((c) => JSON.stringify(c.body).includes(commentMarker(alert)))) return ref(key);
    const added = await jira.addComment(key, renderJiraComment(view));
    return added ? ref(key) : ref(await create(view));
  }

  /** An issue found by its label after a lost record holds revision 1 at least: comment only if the alert moved on. */
  const catchUp = (view: AlertView, key: string) => (view.alert.revision <= 1 ? ref(key) : update(view, key));

  async function deliver(view: AlertView, previous: PriorDelivery | undefined): Promise<Record<string, string>> {
    const recorded = previous?.ref.issueKey;
    if (recorded) return update(view, recorded);
    const found = await jira.findIssueByLabel(alertLabel(view.alert.id));
    return found ? catchUp(view, found) : ref(await create(view));
  }

  return {
    name: 'jira',
    deliver,
    /**
     * The outbox asks after a crash between create and record: find the issue by its label (undefined when
     * there is none, and the outbox delivers, which creates it). A missed later revision is added as a comment.
     */
    async recover(view: AlertView, previous: PriorDelivery) {
      if (previous.ref.issueKey) return update(view, previous.ref.issueKey);
      const found = await jira.findIssueByLabel(alertLabel(view.alert.id));
      return found ? catchUp(view, found) : undefined;
    },
  };
}
