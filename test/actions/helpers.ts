import nock from 'nock';
import { entraSchema, type EntraEnv } from '../../src/config/entra.js';
import type { Alert } from '../../src/domain/index.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { USER_SELECT } from '../../src/actions/graph/users.js';
import { makeAlert as buildAlert } from '../fixtures/alert.js';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = '535fb089-9ff3-47b6-9bfb-4f1264799865';
export const CLIENT_SECRET = 'qWgdYAmab0YSkuL1qKv5bPX~super-secret';
export const LOGIN = 'https://login.microsoftonline.com';
export const GRAPH = 'https://graph.microsoft.com';
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

export function entraEnv(extra: Record<string, string> = {}): EntraEnv {
  return entraSchema.parse({
    ENTRA_TENANT_ID: TENANT,
    ENTRA_CLIENT_ID: CLIENT_ID,
    ENTRA_CLIENT_SECRET: CLIENT_SECRET,
    ENTRA_NOTIFY_SENDER: 'security@contoso.com',
    ...extra,
  });
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

export const ADELE = {
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

export function graphError(code: string, message: string, requestId = '9b0df954-93b5-4de9-8b99-43c204a8aaf8') {
  return { error: { code, message, innerError: { date: '2026-11-21T10:00:00', 'request-id': requestId, 'client-request-id': 'x' } } };
}

/** The alert about Adele Vance (ADELE), the user the Graph interceptors answer for. */
export const makeAlert = (over: Partial<Alert> = {}): Alert => buildAlert(over, 'entra');

export async function storeWith(alert: Alert = makeAlert()) {
  const store = createStore(createMemoryKV());
  await store.saveAlerts([alert]);
  await store.removeFromOutbox([alert.id]);
  return store;
}

/** The shared capturing logger (test/helpers/pipeline.ts): `raw` is what was written, to prove no secret is logged. */
export { captureLogger } from '../helpers/pipeline.js';

export const ALICE = { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' };
export const BOB = { platform: 'slack' as const, id: 'U0BOB', name: 'bob' };
export const req = (kind: 'notify' | 'revoke-sessions' | 'suspend' | 'unsuspend' | 'dismiss', by = ALICE, alertId = 'alert-1') => ({
  alertId,
  kind,
  by,
  requestedAt: Date.UTC(2026, 10, 21, 9, 0),
});
