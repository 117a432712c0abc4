import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createGraphClient, GraphError, userPath } from '../../../src/actions/graph/client.js';
import { createTokenProvider, graphScope } from '../../../src/actions/graph/token.js';
import { AuthError } from '../../../src/domain/errors.js';
import { FAST_RETRY } from '../helpers.js';
import { CLIENT_ID, CLIENT_SECRET, GRAPH, LOGIN, TENANT, graphError, nockToken } from '../../fakes/graph.js';

function tokens(now: () => number) {
  return createTokenProvider({
    authorityHost: LOGIN,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope: 'https://graph.microsoft.com/.default',
    now,
    retry: FAST_RETRY,
  });
}

describe('client-credentials token', () => {
  it('is requested with the documented form body, cached, and refreshed 5 minutes before expiry', async () => {
    let t = 1_000_000;
    const provider = tokens(() => t);
    const first = nockToken('token-one', 3599);
    expect(await provider.get()).toBe('token-one');
    expect(await provider.get()).toBe('token-one');
    first.done();

    t += (3599 - 301) * 1000; // still more than 5 minutes left: cached, no request (nock would fail an unmatched call)
    expect(await provider.get()).toBe('token-one');

    t += 2000; // now inside the 5-minute refresh window
    const second = nockToken('token-two', 3599);
    expect(await provider.get()).toBe('token-two');
    second.done();
  });

  it('shares one request between concurrent callers', async () => {
    const provider = tokens(() => 0);
    const scope = nockToken('shared');
    const got = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(got).toEqual(['shared', 'shared', 'shared']);
    scope.done();
  });

  it('turns the identity platform error body into a readable AuthError without the secret', async () => {
    nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .reply(401, {
        error: 'invalid_client',
        error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: x",
        error_codes: [7000215],
        trace_id: '255d1aef-8c98-452f-ac51-23d051240864',
        correlation_id: 'fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7',
      });
    const err = await tokens(() => 0).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe(
      'Entra ID refused the client-credentials token request: invalid_client AADSTS7000215: Invalid client secret provided. ' +
        'Ensure the secret being sent in the request is the client secret value. (trace id 255d1aef-8c98-452f-ac51-23d051240864)',
    );
    expect((err as Error).message).not.toContain(CLIENT_SECRET);
  });

  it('derives the /.default scope from GRAPH_BASE_URL for national clouds', () => {
    expect(graphScope('https://graph.microsoft.com/v1.0')).toBe('https://graph.microsoft.com/.default');
    expect(graphScope('https://graph.microsoft.us/v1.0')).toBe('https://graph.microsoft.us/.default');
    expect(graphScope('https://microsoftgraph.chinacloudapi.cn/v1.0')).toBe('https://microsoftgraph.chinacloudapi.cn/.default');
  });
});

describe('Graph client', () => {
  const client = () => createGraphClient({ baseUrl: `${GRAPH}/v1.0`, tokens: tokens(() => 0), retry: FAST_RETRY });

  it('sends the bearer token and its own client-request-id, and returns the request-id', async () => {
    nockToken('tok-a');
    let sentId = '';
    nock(GRAPH)
      .get('/v1.0/users/AdeleV@contoso.com')
      .matchHeader('authorization', 'Bearer tok-a')
      .matchHeader('client-request-id', (v) => {
        sentId = v;
        return /^[0-9a-f-]{36}$/.test(v);
      })
      .reply(200, { id: 'u1' }, { 'request-id': 'srv-1' });
    const res = await client().call('GET', userPath('AdeleV@contoso.com'));
    expect(res).toMatchObject({ status: 200, body: { id: 'u1' }, requestId: 'srv-1' });
    expect(res.clientRequestId).toBe(sentId);
  });

  it('retries 429 after Retry-After, then succeeds (one token for both attempts)', async () => {
    nockToken('tok-b');
    const scope = nock(GRAPH)
      .post('/v1.0/users/u1/revokeSignInSessions')
      .reply(429, graphError('TooManyRequests', 'Too many requests'), { 'retry-after': '0' })
      .post('/v1.0/users/u1/revokeSignInSessions')
      .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true }, { 'request-id': 'srv-2' });
    const res = await client().call('POST', '/users/u1/revokeSignInSessions');
    expect(res.status).toBe(200);
    expect(res.requestId).toBe('srv-2');
    scope.done();
  });

  it('retries 503 and 504 without Retry-After using backoff', async () => {
    nockToken();
    const scope = nock(GRAPH)
      .patch('/v1.0/users/u1', { accountEnabled: false })
      .reply(503, graphError('serviceNotAvailable', 'Service unavailable'))
      .patch('/v1.0/users/u1', { accountEnabled: false })
      .reply(504, '')
      .patch('/v1.0/users/u1', { accountEnabled: false })
      .reply(204);
    expect((await client().call('PATCH', '/users/u1', { accountEnabled: false })).status).toBe(204);
    scope.done();
  });

  it('surfaces error.code, message, request-id and client-request-id of a 403', async () => {
    nockToken();
    nock(GRAPH)
      .patch('/v1.0/users/u1')
      .reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), {
        'request-id': '9b0df954-93b5-4de9-8b99-43c204a8aaf8',
      });
    const err = (await client().call('PATCH', '/users/u1', { accountEnabled: false }).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.httpStatus).toBe(403);
    expect(err.graphCode).toBe('Authorization_RequestDenied');
    expect(err.requestId).toBe('9b0df954-93b5-4de9-8b99-43c204a8aaf8');
    expect(err.message).toMatch(
      /^Microsoft Graph answered HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation\. \(request-id 9b0df954-93b5-4de9-8b99-43c204a8aaf8, client-request-id [0-9a-f-]{36}\)$/,
    );
  });

  it('gives up on a persistent 429 with a TooManyRequests GraphError', async () => {
    nockToken();
    nock(GRAPH).get('/v1.0/users/u1').times(5).reply(429, graphError('TooManyRequests', 'slow down'), { 'retry-after': '0', 'request-id': 'srv-429' });
    const err = (await client().call('GET', '/users/u1').catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.graphCode).toBe('TooManyRequests');
    expect(err.requestId).toBe('srv-429');
  });

  it('fetches a new token once when Graph answers 401', async () => {
    let t = 0;
    const provider = tokens(() => t);
    const c = createGraphClient({ baseUrl: `${GRAPH}/v1.0`, tokens: provider, retry: FAST_RETRY });
    nockToken('old-token');
    nock(GRAPH)
      .get('/v1.0/users/u1')
      .matchHeader('authorization', 'Bearer old-token')
      .reply(401, graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'));
    nockToken('new-token');
    nock(GRAPH).get('/v1.0/users/u1').matchHeader('authorization', 'Bearer new-token').reply(200, { id: 'u1' });
    expect((await c.call('GET', '/users/u1')).body).toEqual({ id: 'u1' });
    t = 1; // the refreshed token is now the cached one
    nock(GRAPH).get('/v1.0/users/u2').matchHeader('authorization', 'Bearer new-token').reply(200, { id: 'u2' });
    expect((await c.call('GET', '/users/u2')).body).toEqual({ id: 'u2' });
  });

  it('builds user paths for UPNs with $ and B2B #EXT#', () => {
    expect(userPath('87d349ed-44d7-43e1-9a83-5f2406dee5bd')).toBe('/users/87d349ed-44d7-43e1-9a83-5f2406dee5bd');
    expect(userPath('jdoe_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe('/users/jdoe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com');
    expect(userPath('$admin@contoso.com')).toBe("/users('%24admin@contoso.com')");
  });
});
