import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { readCredentials } from '../../src/doctor/credentials.js';
import { createLogger } from '../../src/log.js';
import { formatDoctorTable, runDoctor, runStartupDoctor, type DoctorRow } from '../../src/doctor/index.js';
import { checkReadiness } from '../../src/runtime/health.js';
import { createMetrics } from '../../src/runtime/metrics.js';
import { createMemoryKV, type KV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SECRETS = {
  ATLASSIAN_API_KEY: 'ATCTT3xFfGN0-atlassian-org-key',
  ENTRA_CLIENT_SECRET: 'entra~client~secret~value',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-slacktokenvalue',
  MICROSOFT_APP_PASSWORD: 'teams~bot~password~value',
  JIRA_API_TOKEN: 'ATATT3xFfGF0-jira-token-value',
};
const ENV = {
  VIGIL_STORE_URL: 'memory://',
  ATLASSIAN_ORG_ID: 'org-123',
  ATLASSIAN_API_KEY_EXPIRES: '2027-06-30',
  ENTRA_TENANT_ID: 'tenant-1',
  ENTRA_CLIENT_ID: 'graph-app',
  ENTRA_NOTIFY_SENDER: 'security@example.com',
  SLACK_SIGNING_SECRET: 'slack-signing-secret-0000',
  SLACK_ALERT_CHANNEL: 'C0ALERTS',
  SLACK_CHANNEL_ROUTES: 'critical=C0CRIT',
  SLACK_RESPONDERS: 'U0ALICE',
  MICROSOFT_APP_ID: 'bot-app',
  MICROSOFT_APP_TENANT_ID: 'tenant-1',
  TEAMS_RESPONDERS: '0b5e1c7a-3f2d-4e8b-9a61-2c4d5e6f7a8b',
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'vigil-bot@example.com',
  JIRA_PROJECT_KEY: 'SEC',
  ...SECRETS,
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ aud: 'https://graph.microsoft.com', ...claims })}.c2lnbmF0dXJl`;
const ALL_ROLES = ['User.Read.All', 'User.RevokeSessions.All', 'User.EnableDisableAccount.All', 'Mail.Send'];

interface Mode {
  atlassian?: number;
  graphRoles?: string[];
  graphError?: boolean;
  teamsError?: boolean;
  slackAuth?: boolean;
  member?: boolean;
  jiraProject?: number;
  /** The /event-actions catalogue's action keys and display names (default: it lists a failed-login action). */
  actions?: Array<[string, string]>;
}

const CATALOGUE: Array<[string, string]> = [
  ['user_logged_in_as_user', 'Logged in as user'],
  ['user_login_failed', 'User login failed'],
  ['api_key_created', 'API key created'],
];

/** `GET /event-actions` in its documented shape, in two pages (the doctor follows the cursor). */
function mockEventActions(actions: Array<[string, string]>) {
  const page = (list: Array<[string, string]>) => list.map(([id, displayName]) => ({ id, type: 'event-actions', attributes: { displayName, groupDisplayName: 'User management' } }));
  const half = Math.ceil(actions.length / 2);
  nock('https://api.atlassian.com')
    .matchHeader('authorization', `Bearer ${SECRETS.ATLASSIAN_API_KEY}`)
    .get('/admin/v1/orgs/org-123/event-actions')
    .reply(200, { data: page(actions.slice(0, half)), meta: { next: 'p2' } })
    .get('/admin/v1/orgs/org-123/event-actions')
    .query({ cursor: 'p2' })
    .reply(200, { data: page(actions.slice(half)), meta: {} });
}

/** Nock every integration with its documented answers, in the pass state unless told otherwise. */
function mockIntegrations(m: Mode = {}) {
  nock('https://api.atlassian.com')
    .get('/admin/v1/orgs/org-123/events-stream')
    .query((q) => q.limit === '1' && q.sortOrder === 'asc' && typeof q.from === 'string')
    .matchHeader('authorization', `Bearer ${SECRETS.ATLASSIAN_API_KEY}`)
    .reply(m.atlassian ?? 200, m.atlassian && m.atlassian !== 200 ? { errors: [{ status: String(m.atlassian), title: 'Unauthorized' }] } : { data: [], meta: { next: 'c1', page_size: 1 }, links: { self: '...' } });
  if ((m.atlassian ?? 200) === 200) mockEventActions(m.actions ?? CATALOGUE);
  const token = (access: string) => ({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
  const invalidClient = {
    error: 'invalid_client',
    error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 1",
    error_codes: [7000215],
    trace_id: 'trace-1',
    correlation_id: 'corr-1',
  };
  nock('https://login.microsoftonline.com')
    .post('/tenant-1/oauth2/v2.0/token', (body: Record<string, string>) => body.client_id === 'graph-app' && body.scope === 'https://graph.microsoft.com/.default')
    .reply(m.graphError ? 401 : 200, m.graphError ? invalidClient : token(jwt({ roles: m.graphRoles ?? ALL_ROLES })))
    .post('/tenant-1/oauth2/v2.0/token', (body: Record<string, string>) => body.client_id === 'bot-app' && body.scope === 'https://api.botframework.com/.default')
    .reply(m.teamsError ? 401 : 200, m.teamsError ? invalidClient : token(jwt({ aud: 'https://api.botframework.com' })));
  nock('https://login.botframework.com')
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/.well-known/keys' })
    .get('/v1/.well-known/keys')
    .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: 'k1', n: 'AQAB', e: 'AQAB', endorsements: ['msteams'] }] });
  const slack = nock('https://slack.com').matchHeader('authorization', `Bearer ${SECRETS.SLACK_BOT_TOKEN}`);
  slack.post('/api/auth.test').reply(200, m.slackAuth === false ? { ok: false, error: 'invalid_auth' } : { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'vigil', team_id: 'T1', user_id: 'U0BOT', bot_id: 'B1' });
  if (m.slackAuth !== false)
    for (const [id, name] of [['C0ALERTS', 'security-alerts'], ['C0CRIT', 'sec-critical']] as const)
      slack
        .post('/api/conversations.info', (b: Record<string, string>) => b.channel === id)
        .reply(200, { ok: true, channel: { id, name, is_channel: true, is_archived: false, is_member: id === 'C0CRIT' && m.member === false ? false : true } });
  const basic = `Basic ${Buffer.from(`vigil-bot@example.com:${SECRETS.JIRA_API_TOKEN}`).toString('base64')}`;
  nock('https://acme.atlassian.net')
    .matchHeader('authorization', basic)
    .get('/rest/api/3/myself')
    .reply(200, { accountId: '5b10a2844c20165700ede21g', displayName: 'Vigil Bot', active: true })
    .get('/rest/api/3/project/SEC')
    .reply(m.jiraProject ?? 200, m.jiraProject === 404 ? { errorMessages: ["No project could be found with key 'SEC'."], errors: {} } : { id: '10000', key: 'SEC', name: 'Security' });
}

const byCheck = (rows: DoctorRow[], check: string) => rows.find((r) => r.check === check);

describe('vigil doctor', () => {
  it('passes every check against healthy integrations, and remembers the credentials as valid', async () => {
    mockIntegrations();
    const store = createStore(createMemoryKV());
    const rows = await runDoctor(loadConfig(ENV), { store, now: () => NOW });
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(rows.map((r) => r.check)).toEqual([
      'Store',
      'Atlassian API key reads the audit log',
      'Audit log records failed logins',
      'Atlassian API key expiry',
      'Microsoft Graph token',
      'Graph permission User.Read.All',
      'Graph permission User.RevokeSessions.All',
      'Graph permission User.EnableDisableAccount.All',
      'Graph permission Mail.Send',
      'Slack bot token',
      'Slack workspace',
      'Slack channel C0ALERTS',
      'Slack channel C0CRIT',
      'Teams bot credentials',
      'Teams inbound token keys',
      'Jira API token',
      'Jira project SEC',
    ]);
    expect(nock.pendingMocks()).toEqual([]);
    const creds = await readCredentials(store);
    expect(Object.keys(creds).sort()).toEqual(['atlassian', 'graph', 'jira', 'slack', 'teams']);
    expect(Object.values(creds).every((c) => c.ok)).toBe(true);
    const table = formatDoctorTable(rows);
    expect(table).toContain('All checks passed.');
    for (const s of Object.values(SECRETS)) expect(table).not.toContain(s);
  });

  it('fails each broken integration with the fix, and /readyz then reports the bad credentials', async () => {
    mockIntegrations({ atlassian: 401, graphRoles: ['User.Read.All', 'User.RevokeSessions.All'], teamsError: true, member: false, jiraProject: 404 });
    const store = createStore(createMemoryKV());
    const rows = await runDoctor(loadConfig({ ...ENV, ENTRA_NOTIFY_SENDER: '' }), { store, now: () => NOW });

    expect(byCheck(rows, 'Atlassian API key reads the audit log')).toMatchObject({ status: 'fail', fix: expect.stringContaining('Create a new API key') });
    expect(byCheck(rows, 'Graph permission User.Read.All')?.status).toBe('pass');
    expect(byCheck(rows, 'Graph permission User.EnableDisableAccount.All')).toMatchObject({
      status: 'fail',
      fix: 'Add the application permission User.EnableDisableAccount.All (Microsoft Graph) to the app registration and grant admin consent',
    });
    expect(byCheck(rows, 'Graph permission Mail.Send')?.status).toBe('skip');
    expect(byCheck(rows, 'Slack channel C0ALERTS')?.status).toBe('pass');
    expect(byCheck(rows, 'Slack channel C0CRIT')).toMatchObject({ status: 'fail', fix: 'Invite the bot: /invite @Vigil in #sec-critical' });
    expect(byCheck(rows, 'Teams bot credentials')).toMatchObject({ status: 'fail', detail: expect.stringContaining('AADSTS7000215'), fix: expect.stringContaining('MICROSOFT_APP_PASSWORD') });
    expect(byCheck(rows, 'Jira project SEC')).toMatchObject({ status: 'fail', fix: expect.stringContaining('JIRA_PROJECT_KEY') });

    const table = formatDoctorTable(rows);
    expect(table).toMatch(/FAIL\s+Slack channel C0CRIT\s+the bot is not a member of #sec-critical\n\s+fix: Invite the bot/);
    expect(table).toContain('5 checks failed.');
    for (const s of Object.values(SECRETS)) expect(table).not.toContain(s);

    const ready = await checkReadiness({ store, metrics: createMetrics() });
    expect(ready.ready).toBe(false);
    expect(ready.checks.credentials!.detail).toMatch(/atlassian: .*HTTP 401/);
  });

  it('treats a Mail.Send missing from the token as a warning (Exchange RBAC for Applications grants it outside Entra)', async () => {
    mockIntegrations({ graphRoles: ['User.Read.All', 'User.RevokeSessions.All', 'User.EnableDisableAccount.All'] });
    const rows = await runDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(rows, 'Graph permission Mail.Send')).toMatchObject({ status: 'warn', detail: expect.stringContaining('RBAC for Applications') });
    expect(rows.some((r) => r.check === 'Graph permission GroupMember.Read.All')).toBe(false); // no Teams group responders
  });

  it('needs GroupMember.Read.All when Teams responders include a group', async () => {
    mockIntegrations();
    const rows = await runDoctor(loadConfig({ ...ENV, TEAMS_RESPONDERS: 'group:7c1e2d3f-0a4b-4c5d-8e9f-112233445566' }), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(rows, 'Graph permission GroupMember.Read.All')).toMatchObject({ status: 'fail', fix: expect.stringContaining('GroupMember.Read.All') });
  });

  it('reports a rejected Slack token and a refused Graph secret', async () => {
    mockIntegrations({ slackAuth: false, graphError: true });
    const rows = await runDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(rows, 'Slack bot token')).toMatchObject({ status: 'fail', detail: 'auth.test: invalid_auth' });
    expect(rows.some((r) => r.check.startsWith('Slack channel'))).toBe(false);
    expect(byCheck(rows, 'Microsoft Graph token')).toMatchObject({ status: 'fail', fix: expect.stringContaining('ENTRA_CLIENT_SECRET') });
    expect(rows.some((r) => r.check.startsWith('Graph permission'))).toBe(false);
  });

  it('fails SLACK_TEAM_ID that is not the bot token\'s workspace, as `vigil serve` would at start-up', async () => {
    mockIntegrations({});
    const rows = await runDoctor(loadConfig({ ...ENV, SLACK_TEAM_ID: 'T9OTHER' }), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(rows, 'Slack workspace')).toMatchObject({ status: 'fail', detail: expect.stringContaining('SLACK_TEAM_ID is T9OTHER, but SLACK_BOT_TOKEN belongs to workspace T1') });
    nock.cleanAll();
    mockIntegrations({});
    const ok = await runDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(ok, 'Slack workspace')).toMatchObject({ status: 'pass', detail: 'serves workspace T1; requests from others are ignored' });
  });

  it('warns about a key expiring soon, fails an expired one, and skips what is not configured', async () => {
    // Atlassian unreachable (connection refused on every attempt): the row fails; the expiry row stands alone.
    nock('https://api.atlassian.com').get(/events-stream/).times(3).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const rows = await runDoctor(loadConfig({ VIGIL_STORE_URL: 'memory://', ATLASSIAN_ORG_ID: 'org-123', ATLASSIAN_API_KEY: SECRETS.ATLASSIAN_API_KEY, ATLASSIAN_API_KEY_EXPIRES: '2026-11-26' }), {
      store: createStore(createMemoryKV()),
      now: () => NOW,
    });
    expect(byCheck(rows, 'Atlassian API key reads the audit log')).toMatchObject({ status: 'fail', detail: expect.stringContaining('unreachable') });
    expect(byCheck(rows, 'Atlassian API key expiry')).toMatchObject({ status: 'warn', detail: 'expires in 4 days (2026-11-26)' });
    expect(byCheck(rows, 'Slack bot token')?.status).toBe('skip');
    expect(byCheck(rows, 'Jira')?.status).toBe('skip');

    nock('https://api.atlassian.com').get(/events-stream/).reply(200, { data: [] });
    mockEventActions(CATALOGUE);
    const expired = await runDoctor(loadConfig({ ...ENV, ATLASSIAN_API_KEY_EXPIRES: '2026-11-01', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', ENTRA_CLIENT_ID: '', ENTRA_TENANT_ID: '', ENTRA_CLIENT_SECRET: '', MICROSOFT_APP_ID: '', MICROSOFT_APP_PASSWORD: '', MICROSOFT_APP_TENANT_ID: '', JIRA_BASE_URL: '', JIRA_EMAIL: '', JIRA_API_TOKEN: '', JIRA_PROJECT_KEY: '' }), {
      store: createStore(createMemoryKV()),
      now: () => NOW,
    });
    expect(byCheck(expired, 'Atlassian API key expiry')).toMatchObject({ status: 'fail', detail: 'expired on 2026-11-01' });
  });

  it('warns when the /event-actions catalogue lists no failed-login action, naming the detections that cannot fire', async () => {
    mockIntegrations({ actions: CATALOGUE.filter(([key]) => key !== 'user_login_failed') });
    const rows = await runDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(rows, 'Audit log records failed logins')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/no failed-login action among 2: failed-logins, password-spray and distributed-brute-force cannot fire/),
      fix: expect.stringContaining('identity provider'),
    });
    // A display name alone is enough (an org whose catalogue names the action differently).
    mockIntegrations({ actions: [['identity_signin_error', 'Sign in failed'], ['api_key_created', 'API key created']] });
    const byName = await runDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW });
    expect(byCheck(byName, 'Audit log records failed logins')).toMatchObject({ status: 'pass', detail: '/event-actions lists identity_signin_error (Sign in failed)' });
    // A warning is not a credential failure.
    expect(formatDoctorTable(rows)).not.toContain('FAIL');
  });

  it('reports a store that fails without showing its password, and still checks the rest', async () => {
    const kv = createMemoryKV();
    const broken: KV = { ...kv, set: async () => Promise.reject(new Error('WRONGPASS for redis://default:s3cretpw@redis:6379')) };
    const rows = await runDoctor(loadConfig({ VIGIL_STORE_URL: 'memory://' }), { store: createStore(broken), now: () => NOW });
    expect(rows[0]).toMatchObject({ check: 'Store', status: 'fail' });
    expect(JSON.stringify(rows)).not.toContain('s3cretpw');
    expect(byCheck(rows, 'Atlassian API key')?.status).toBe('skip');
    const unopened = await runDoctor(loadConfig({ VIGIL_STORE_URL: 'memory://' }), { store: () => Promise.reject(new Error('SQLITE_CANTOPEN')), now: () => NOW });
    expect(unopened[0]).toMatchObject({ status: 'fail', detail: 'cannot open: SQLITE_CANTOPEN' });
  });
});

describe('start-up doctor', () => {
  it('logs each failed check with its fix, and never a secret', async () => {
    mockIntegrations({ member: false });
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => lines.push(s) });
    const rows = await runStartupDoctor(loadConfig(ENV), { store: createStore(createMemoryKV()), now: () => NOW, log });
    expect(rows.filter((r) => r.status === 'fail').map((r) => r.check)).toEqual(['Slack channel C0CRIT']);
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string; fix?: string });
    expect(records.find((r) => r.level === 40)).toMatchObject({ msg: 'doctor: Slack channel C0CRIT failed: the bot is not a member of #sec-critical', fix: 'Invite the bot: /invite @Vigil in #sec-critical' });
    expect(records.at(-1)?.msg).toContain('1 check(s) failed');
    for (const s of Object.values(SECRETS)) expect(lines.join('')).not.toContain(s);
  });
});
