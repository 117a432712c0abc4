import nock from 'nock';

export const JIRA = 'https://acme.atlassian.net';
export const EMAIL = 'vigil-bot@example.com';
export const TOKEN = 'ATATT3xFfGF0-jira-api-token';
const AUTH = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`;

interface FakeIssue {
  id: string;
  key: string;
  fields: { summary: string; labels: string[]; description: unknown; project: { key: string }; issuetype: { name: string } };
  comments: Array<{ id: string; body: unknown }>;
}

/**
 * A stateful Jira Cloud fake with the documented REST v3 shapes: POST /issue → 201 {id,key,self};
 * GET /search/jql → {issues:[{id,key,self,fields}], isLast}; GET/POST /issue/{key}/comment; errors as
 * {errorMessages, errors}; 429 with Retry-After when asked.
 */
export function fakeJira(opts: { project?: string; rateLimitCreates?: number; retryAfter?: string } = {}) {
  const project = opts.project ?? 'SEC';
  const issues: FakeIssue[] = [];
  const calls: Array<{ method: string; path: string }> = [];
  let rateLimitCreates = opts.rateLimitCreates ?? 0;
  let nextId = 10000;
  let nextNumber = 1;
  const unauthorized = [401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} }] as const;
  const notFound = [404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }] as const;
  const find = (key: string) => issues.find((i) => i.key === key);

  const scope = nock(JIRA)
    .persist()
    .post('/rest/api/3/issue')
    .reply(function (_uri, body) {
      calls.push({ method: 'POST', path: '/rest/api/3/issue' });
      if (this.req.headers.authorization !== AUTH) return unauthorized;
      if (rateLimitCreates > 0) {
        rateLimitCreates--;
        return [429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, { 'Retry-After': opts.retryAfter ?? '1' }];
      }
      const fields = (body as { fields: FakeIssue['fields'] }).fields;
      if (fields.project?.key !== project) return [400, { errorMessages: [], errors: { project: 'valid project is required' } }];
      const id = String(nextId++);
      const key = `${project}-${nextNumber++}`;
      issues.push({ id, key, fields, comments: [] });
      return [201, { id, key, self: `${JIRA}/rest/api/3/issue/${id}` }];
    })
    .get('/rest/api/3/search/jql')
    .query(true)
    .reply(function (uri) {
      calls.push({ method: 'GET', path: '/rest/api/3/search/jql' });
      if (this.req.headers.authorization !== AUTH) return unauthorized;
      const jql = new URL(uri, JIRA).searchParams.get('jql') ?? '';
      const m = /^labels = "([^"]+)"$/.exec(jql);
      if (!m) return [400, { errorMessages: [`Error in the JQL Query: ${jql}`], errors: {} }];
      const hits = issues.filter((i) => i.fields.labels.includes(m[1]!));
      return [200, { issues: hits.map((i) => ({ expand: '', id: i.id, key: i.key, self: `${JIRA}/rest/api/3/issue/${i.id}`, fields: { summary: i.fields.summary } })), isLast: true }];
    })
    .get(/^\/rest\/api\/3\/issue\/[^/]+\/comment/)
    .reply(function (uri) {
      calls.push({ method: 'GET', path: 'comments' });
      if (this.req.headers.authorization !== AUTH) return unauthorized;
      const key = decodeURIComponent(uri.split('/')[5]!.split('?')[0]!);
      const issue = find(key);
      if (!issue) return notFound;
      const comments = [...issue.comments].reverse();
      return [200, { startAt: 0, maxResults: 50, total: comments.length, comments: comments.map((c) => ({ ...c, self: `${JIRA}/rest/api/3/issue/${issue.id}/comment/${c.id}`, created: '2026-03-14T10:00:00.000+0000' })) }];
    })
    .post(/^\/rest\/api\/3\/issue\/[^/]+\/comment$/)
    .reply(function (uri, body) {
      calls.push({ method: 'POST', path: 'comment' });
      if (this.req.headers.authorization !== AUTH) return unauthorized;
      const issue = find(decodeURIComponent(uri.split('/')[5]!));
      if (!issue) return notFound;
      const id = String(nextId++);
      issue.comments.push({ id, body: (body as { body: unknown }).body });
      return [201, { id, self: `${JIRA}/rest/api/3/issue/${issue.id}/comment/${id}`, body: (body as { body: unknown }).body, created: '2026-03-14T10:00:00.000+0000' }];
    });

  return {
    issues,
    calls,
    scope,
    deleteIssue: (key: string) => issues.splice(issues.findIndex((i) => i.key === key), 1),
  };
}
