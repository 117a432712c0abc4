import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import nock from 'nock';
import { USER_SELECT } from '../../src/actions/graph/users.js';

// Microsoft Graph and the identity platform's token endpoint, two ways: a loopback server (startFakeGraph; for
// child processes and load) and nock interceptors for the exact request a unit test expects. Both answer in the
// same documented shapes and share the tenant, the app and the Graph error body.

/** The tenant and app registration the interceptors expect (entraEnv in test/actions/helpers.ts uses them). */
export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = '535fb089-9ff3-47b6-9bfb-4f1264799865';
export const CLIENT_SECRET = 'qWgdYAmab0YSkuL1qKv5bPX~super-secret';
export const LOGIN = 'https://login.microsoftonline.com';
export const GRAPH = 'https://graph.microsoft.com';

export interface GraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  onPremisesSyncEnabled: boolean | null;
  userType: string;
  signInSessionsValidFromDateTime?: string;
  /** Activated directory role ids (transitiveMemberOf lists them as directoryRole objects; not part of the user object). */
  directoryRoles?: string[];
}

export interface GraphCall {
  method: string;
  path: string;
  /** The query string, e.g. ?$filter=… */
  query: string;
  status: number;
  body?: unknown;
  /** Arrival, performance.now() ms (to check that a retry came no sooner than the Retry-After asked). */
  at: number;
  retryAfterS?: number;
}

export interface FakeGraph {
  /** ENTRA_AUTHORITY_HOST */
  authorityHost: string;
  /** GRAPH_BASE_URL */
  graphBaseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  users: GraphUser[];
  calls: GraphCall[];
  tokensIssued: number;
  /** Every access token handed out (secret-leak tests look for them). */
  issuedTokens: string[];
  /** Token requests: arrival (performance.now()) and the status answered. */
  tokenCalls: Array<{ at: number; status: number; retryAfterS?: number }>;
  /** Answer the next `count` Graph calls matching `pattern` (method + path, e.g. /POST .*revoke/) with 429. */
  throttle(pattern: RegExp, count: number, retryAfterS?: number): void;
  /** The token endpoint answers the next `count` requests with 429 too. */
  throttleToken(count: number, retryAfterS?: number): void;
  sentMail: Array<{ sender: string; body: any }>;
  /**
   * The next `count` calls matching `pattern` are carried out (the directory changes, the mail is sent) but
   * answered only after `ms`: a client with a shorter timeout never sees the answer.
   */
  slow(pattern: RegExp, count: number, ms: number): void;
  close(): Promise<void>;
}

/**
 * A loopback Microsoft identity platform token endpoint (client-credentials grant,
 * `POST /{tenant}/oauth2/v2.0/token`) and the Microsoft Graph v1.0 user calls Vigil makes
 * (`GET /users?$filter=`, `GET /users/{id}/transitiveMemberOf`, `POST /users/{id}/revokeSignInSessions`,
 * `PATCH /users/{id}`, `POST /users/{id}/sendMail`), in the documented shapes: Graph errors as
 * `{"error":{"code","message","innerError":{"request-id",...}}}` with a `request-id` header, and throttling as
 * HTTP 429 `TooManyRequests` with `Retry-After` in seconds.
 */
export async function startFakeGraph(opts: { tenantId?: string; clientId?: string; clientSecret?: string; users?: GraphUser[] } = {}): Promise<FakeGraph> {
  const tenantId = opts.tenantId ?? TENANT;
  const clientId = opts.clientId ?? CLIENT_ID;
  const clientSecret = opts.clientSecret ?? 'fake-graph-client-secret~0001';
  const tokens = new Set<string>();
  const throttles: Array<{ pattern: RegExp; left: number; retryAfterS: number }> = [];
  const slows: Array<{ pattern: RegExp; left: number; ms: number }> = [];
  const tokenThrottle = { left: 0, retryAfterS: 1 };
  const fake = {
    tenantId,
    clientId,
    clientSecret,
    users: opts.users ?? [],
    calls: [] as GraphCall[],
    tokensIssued: 0,
    issuedTokens: [] as string[],
    tokenCalls: [] as Array<{ at: number; status: number; retryAfterS?: number }>,
    sentMail: [] as Array<{ sender: string; body: any }>,
    throttle(pattern: RegExp, count: number, retryAfterS = 1) {
      throttles.push({ pattern, left: count, retryAfterS });
    },
    slow(pattern: RegExp, count: number, ms: number) {
      slows.push({ pattern, left: count, ms });
    },
    throttleToken(count: number, retryAfterS = 1) {
      tokenThrottle.left = count;
      tokenThrottle.retryAfterS = retryAfterS;
    },
  };

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const requestId = randomUUID();
    res.writeHead(status, { 'request-id': requestId, 'client-request-id': requestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  // Each error carries its own request id, as Graph's do.
  const err = (code: string, message: string) => graphError(code, message, randomUUID());
  const findUser = (key: string) => fake.users.find((u) => u.id === key || u.userPrincipalName.toLowerCase() === decodeURIComponent(key).toLowerCase());

  function token(req: IncomingMessage, res: ServerResponse, raw: string) {
    const form = new URLSearchParams(raw);
    const at = performance.now();
    if (tokenThrottle.left > 0) {
      tokenThrottle.left--;
      fake.tokenCalls.push({ at, status: 429, retryAfterS: tokenThrottle.retryAfterS });
      return send(res, 429, { error: 'temporarily_unavailable', error_description: 'AADSTS50196: throttled' }, { 'retry-after': String(tokenThrottle.retryAfterS) });
    }
    if (req.url !== `/${tenantId}/oauth2/v2.0/token`) return send(res, 400, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.' });
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' });
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
      return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    const t = `eyJ0eXAiOiJKV1QifQ.fake-${randomUUID()}`;
    tokens.add(t);
    fake.issuedTokens.push(t);
    fake.tokensIssued++;
    fake.tokenCalls.push({ at, status: 200 });
    return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: t });
  }

  function graph(req: IncomingMessage, res: ServerResponse, raw: string) {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname.replace(/^\/v1\.0/, '');
    const method = req.method ?? 'GET';
    const body = raw ? JSON.parse(raw) : undefined;
    const at = performance.now();
    const rule = throttles.find((t) => t.left > 0 && t.pattern.test(`${method} ${path}`));
    if (rule) {
      rule.left--;
      fake.calls.push({ method, path, query: u.search, status: 429, body, at, retryAfterS: rule.retryAfterS });
      return send(res, 429, err('TooManyRequests', 'Too many requests.'), { 'retry-after': String(rule.retryAfterS) });
    }
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    if (!auth || !tokens.has(auth)) {
      fake.calls.push({ method, path, query: u.search, status: 401, body, at });
      return send(res, 401, err('InvalidAuthenticationToken', 'Access token validation failure.'));
    }
    const slow = slows.find((x) => x.left > 0 && x.pattern.test(`${method} ${path}`));
    if (slow) slow.left--;
    const answer = (status: number, b?: unknown) => {
      fake.calls.push({ method, path, query: u.search, status, body, at });
      if (!slow) return send(res, status, b);
      const t = setTimeout(() => !res.destroyed && send(res, status, b), slow.ms);
      res.on('close', () => clearTimeout(t));
    };
    if (method === 'GET' && path === '/users') {
      const m = /^(mail|userPrincipalName) eq '((?:[^']|'')*)'$/.exec(u.searchParams.get('$filter') ?? '');
      if (!m) return answer(400, err('BadRequest', 'Invalid filter clause'));
      const value = m[2]!.replace(/''/g, "'").toLowerCase();
      const users = fake.users.filter((x) => (m[1] === 'mail' ? x.mail : x.userPrincipalName)?.toLowerCase() === value);
      return answer(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: users });
    }
    const one = /^\/users\/([^/]+)(\/[A-Za-z]+)?$/.exec(path);
    const user = one ? findUser(one[1]!) : undefined;
    if (!one || !user) return answer(404, err('Request_ResourceNotFound', `Resource '${one?.[1] ?? path}' does not exist.`));
    const sub = one[2];
    if (method === 'GET' && sub === '/transitiveMemberOf')
      return answer(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects', value: (user.directoryRoles ?? []).map((id) => ({ '@odata.type': '#microsoft.graph.directoryRole', id })) });
    if (method === 'POST' && sub === '/revokeSignInSessions') {
      user.signInSessionsValidFromDateTime = new Date().toISOString().slice(0, 19) + 'Z';
      return answer(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true });
    }
    if (method === 'POST' && sub === '/sendMail') {
      fake.sentMail.push({ sender: one[1]!, body });
      return answer(202);
    }
    if (method === 'PATCH' && !sub) {
      if (typeof body?.accountEnabled === 'boolean') user.accountEnabled = body.accountEnabled;
      return answer(204);
    }
    if (method === 'GET' && !sub) {
      const { directoryRoles: _, ...shown } = user;
      return answer(200, shown);
    }
    return answer(405, err('Request_BadRequest', 'Unsupported'));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.url?.includes('/oauth2/v2.0/token')) return token(req, res, raw);
      if (req.url?.startsWith('/v1.0/')) return graph(req, res, raw);
      send(res, 404, err('NotFound', 'no such endpoint'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return Object.assign(fake, {
    authorityHost: `http://127.0.0.1:${port}`,
    graphBaseUrl: `http://127.0.0.1:${port}/v1.0`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** A Graph error body: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`. */
export function graphError(code: string, message: string, requestId = '9b0df954-93b5-4de9-8b99-43c204a8aaf8') {
  return { error: { code, message, innerError: { date: '2026-11-21T10:00:00', 'request-id': requestId, 'client-request-id': 'x' } } };
}

/** The documented client-credentials request and success body. */
export function nockToken(token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-1', expiresIn = 3599) {
  return nock(LOGIN)
    .post(`/${TENANT}/oauth2/v2.0/token`, {
      client_id: CLIENT_ID,
      scope: 'https://graph.microsoft.com/.default',
      client_secret: CLIENT_SECRET,
      grant_type: 'client_credentials',
    })
    .matchHeader('content-type', 'application/x-www-form-urlencoded')
    .reply(200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
}

export const ADELE: GraphUser = {
  id: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
  displayName: 'Adele Vance',
  userPrincipalName: 'AdeleV@contoso.com',
  mail: 'AdeleV@contoso.com',
  accountEnabled: true,
  onPremisesSyncEnabled: null,
  userType: 'Member',
};

const ctx = (sel: string) => `https://graph.microsoft.com/v1.0/$metadata#users(${sel})`;

/** `GET /users?$filter=<prop> eq '<value>'&$select=...` answering the given users. */
export function nockUserFilter(prop: 'mail' | 'userPrincipalName', value: string, users: object[]) {
  return nock(GRAPH)
    .get('/v1.0/users')
    .query({ $filter: `${prop} eq '${value.replace(/'/g, "''")}'`, $select: USER_SELECT })
    .reply(200, { '@odata.context': ctx(USER_SELECT), value: users }, { 'request-id': `req-lookup-${prop}` });
}

/** `GET /users/{id}/transitiveMemberOf?$top=999` with the given directory objects. */
export function nockMemberOf(userId: string, objects: Array<{ type: 'group' | 'directoryRole'; id: string }>) {
  return nock(GRAPH)
    .get(`/v1.0/users/${userId}/transitiveMemberOf`)
    .query({ $top: '999' })
    .reply(
      200,
      {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
        value: objects.map((o) => ({ '@odata.type': `#microsoft.graph.${o.type}`, id: o.id })),
      },
      { 'request-id': 'req-memberof' },
    );
}

export function graphUser(over: Partial<GraphUser> & { mail: string }): GraphUser {
  return {
    id: randomUUID(),
    displayName: over.mail.split('@')[0]!,
    userPrincipalName: over.mail,
    accountEnabled: true,
    onPremisesSyncEnabled: null,
    userType: 'Member',
    ...over,
  };
}

/** The Entra settings that point Vigil at this fake (plus any extra setting). */
export function fakeGraphEnv(g: FakeGraph, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ENTRA_TENANT_ID: g.tenantId,
    ENTRA_CLIENT_ID: g.clientId,
    ENTRA_CLIENT_SECRET: g.clientSecret,
    ENTRA_AUTHORITY_HOST: g.authorityHost,
    GRAPH_BASE_URL: g.graphBaseUrl,
    ...extra,
  };
}
