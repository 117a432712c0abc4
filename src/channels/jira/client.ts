import { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import { fetchJson, type HttpResponse } from '../../http/fetch-json.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, sleep, type RetryPolicy } from '../../http/retry.js';
import { registerSecrets } from '../../log.js';

export interface JiraClientOptions {
  baseUrl: string;
  email: string;
  apiToken: string;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

const Created = z.object({ id: z.string(), key: z.string() });
const SearchPage = z.object({ issues: z.array(z.object({ id: z.string(), key: z.string() })).default([]) });
const CommentPage = z.object({ comments: z.array(z.object({ id: z.string(), body: z.unknown() })).default([]) });
const ErrorBody = z.object({ errorMessages: z.array(z.string()).default([]), errors: z.record(z.string(), z.string()).default({}) });

/** Jira's error collection (`errorMessages` + per-field `errors`) as one readable line. */
function describeJiraError(status: number, body: unknown): string {
  const e = ErrorBody.safeParse(body);
  if (!e.success) return `Jira answered HTTP ${status}`;
  const parts = [...e.data.errorMessages, ...Object.entries(e.data.errors).map(([f, m]) => `${f}: ${m}`)];
  return `Jira answered HTTP ${status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`.slice(0, 500);
}

function parse<T>(schema: z.ZodType<T>, res: HttpResponse, what: string): T {
  const r = schema.safeParse(res.body);
  if (!r.success) throw new UpstreamError('upstream_bad_response', `Jira ${what} returned an unexpected body (HTTP ${res.status})`, res.status);
  return r.data;
}

/**
 * The few Jira Cloud REST v3 calls Vigil makes, with basic auth (email + API token). Reads retry on
 * 429/5xx. Writes (create issue, add comment) are not idempotent at Jira, so they are retried in place only
 * on 429 (the request was refused, nothing was written); any other failure throws and the caller's next
 * attempt looks for the earlier write first.
 */
export function createJiraClient(opts: JiraClientOptions) {
  const auth = `Basic ${Buffer.from(`${opts.email}:${opts.apiToken}`).toString('base64')}`;
  registerSecrets([opts.apiToken, auth.slice(6)]);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const policy = { ...DEFAULT_RETRY, ...opts.retry };
  const now = opts.now ?? Date.now;
  const headers = { authorization: auth, accept: 'application/json' };

  async function read(path: string, what: string) {
    const res = await fetchJson(`${base}${path}`, { service: 'Jira', headers, retry: opts.retry, passStatuses: [400, 404], now });
    if (res.status === 404) return undefined;
    if (res.status === 400) throw new UpstreamError('upstream_http_400', `${what}: ${describeJiraError(400, res.body)}`, 400);
    return res;
  }

  async function writeOnce(path: string, body: unknown, what: string): Promise<HttpResponse | undefined> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetchJson(`${base}${path}`, {
        service: 'Jira',
        method: 'POST',
        headers,
        body,
        retry: { ...opts.retry, maxRetries: 0 },
        passStatuses: [400, 403, 404, 429],
        now,
      });
      if (res.status === 404) return undefined;
      if (res.status !== 429) {
        if (res.status >= 400) throw new UpstreamError(`upstream_http_${res.status}`, `${what}: ${describeJiraError(res.status, res.body)}`, res.status);
        return res;
      }
      const wait = parseRetryAfter(res.headers, now()) ?? backoffDelay(attempt, policy);
      if (attempt >= policy.maxRetries || wait > policy.maxRetryAfterMs)
        throw new UpstreamError('upstream_rate_limited', `${what}: Jira rate limit; retrying later`, 429);
      await sleep(wait);
    }
  }

  return {
    browseUrl: (key: string) => `${base}/browse/${encodeURIComponent(key)}`,

    /** Key of the first issue carrying `label`, or undefined. (Search is eventually consistent at Jira.) */
    async findIssueByLabel(label: string): Promise<string | undefined> {
      const q = new URLSearchParams({ jql: `labels = "${label.replace(/["\\]/g, '')}"`, fields: 'summary', maxResults: '1' });
      const res = await read(`/rest/api/3/search/jql?${q}`, 'Searching Jira for the alert label');
      return res ? parse(SearchPage, res, 'search').issues[0]?.key : undefined;
    },

    async createIssue(fields: unknown): Promise<{ id: string; key: string }> {
      const res = await writeOnce('/rest/api/3/issue', { fields }, 'Creating the Jira issue');
      if (!res) throw new UpstreamError('upstream_http_404', 'Creating the Jira issue: Jira answered HTTP 404 (check JIRA_BASE_URL)', 404);
      return parse(Created, res, 'create issue');
    },

    /** Recent comments, newest first; undefined when the issue no longer exists (or is hidden from us). */
    async recentComments(key: string): Promise<Array<{ id: string; body: unknown }> | undefined> {
      const q = new URLSearchParams({ orderBy: '-created', maxResults: '50' });
      const res = await read(`/rest/api/3/issue/${encodeURIComponent(key)}/comment?${q}`, `Reading comments of ${key}`);
      return res ? parse(CommentPage, res, 'comments').comments : undefined;
    },

    /** Add a comment; returns false when the issue no longer exists. */
    async addComment(key: string, body: unknown): Promise<boolean> {
      const res = await writeOnce(`/rest/api/3/issue/${encodeURIComponent(key)}/comment`, { body }, `Commenting on ${key}`);
      return res !== undefined;
    },

    /** GET /rest/api/3/myself: the account of the API token (doctor). */
    myself: () => fetchJson(`${base}/rest/api/3/myself`, { service: 'Jira', headers, retry: opts.retry, passStatuses: [401, 403], now }),

    /** GET /rest/api/3/project/{key} (doctor): 404 when the project is missing or not visible. */
    project: (key: string) =>
      fetchJson(`${base}/rest/api/3/project/${encodeURIComponent(key)}`, { service: 'Jira', headers, retry: opts.retry, passStatuses: [401, 403, 404], now }),
  };
}
export type JiraClient = ReturnType<typeof createJiraClient>;
