import { createServer, type Server } from 'node:http';
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

// The Bot Framework side of Teams: login.botframework.com's OpenID metadata and keys (loopback, inbound JWTs),
// the bot's client-credentials token from login.microsoftonline.com and the Bot Connector at SERVICE_URL (nock),
// and the activities the Bot Connector sends.

export const APP_ID = '11111111-2222-3333-4444-555555555555';
export const TENANT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
export const RESPONDER = '0f0f0f0f-1111-2222-3333-444444444444';
export const OUTSIDER = '9e9e9e9e-8888-7777-6666-555555555555';
export const CHANNEL_ID = '19:c0ffee00aa11bb22cc33dd44ee55ff66@thread.tacv2';
export const TEAM_ID = '19:7eam7eam7eam7eam7eam7eam7eam7eam@thread.tacv2';

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify(claims));
  const sig = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${b64url(sig)}`;
}

/**
 * A loopback stand-in for login.botframework.com: an OpenID metadata document whose jwks_uri lists a test RSA
 * key endorsed for msteams. botframework-connector fetches it (node-fetch over http) to validate inbound JWTs.
 */
export async function startOpenIdServer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${randomUUID()}`;
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const port = (server.address() as AddressInfo).port;
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/v1/.well-known/openidconfiguration'))
      return res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `http://127.0.0.1:${port}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    if (req.url === '/v1/.well-known/keys') return res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // A unique query string per run: botframework caches metadata per URL in a static map.
  const metadataUrl = `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration?run=${randomUUID()}`;
  return {
    metadataUrl,
    kid,
    privateKey,
    hits: () => hits,
    token: (over: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600, ...over }, privateKey, kid);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Nock the bot's client-credentials token (MSAL → login.microsoftonline.com/{tenant}). */
export function nockBotToken() {
  const host = nock('https://login.microsoftonline.com').persist();
  host
    .get(`/${TENANT_ID}/v2.0/.well-known/openid-configuration`)
    .reply(200, {
      token_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`,
      issuer: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
      authorization_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize`,
      end_session_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/logout`,
      jwks_uri: `https://login.microsoftonline.com/${TENANT_ID}/discovery/v2.0/keys`,
    });
  host
    .get('/common/discovery/instance')
    .query(true)
    .reply(200, {
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'] }],
    });
  const token = host
    .post(`/${TENANT_ID}/oauth2/v2.0/token`, (body) => body.grant_type === 'client_credentials' && body.client_id === APP_ID && body.scope === 'https://api.botframework.com/.default')
    .query(true)
    .reply(200, {
    token_type: 'Bearer',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: 'bot-access-token-abcdef',
  });
  return token;
}

/** The Bot Connector REST API at SERVICE_URL (replies, updates, members): nock it per test. */
export const connector = () => nock(SERVICE_URL.replace(/\/$/, ''));

let seq = 0;
/** A Teams channel activity as the Bot Connector sends it. */
export function channelActivity(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    type: 'message',
    id: `1700000000${String(seq).padStart(3, '0')}`,
    timestamp: '2026-11-21T14:00:00.000Z',
    serviceUrl: SERVICE_URL,
    channelId: 'msteams',
    from: { id: '29:1abcUserMri', name: 'Alice Admin', aadObjectId: RESPONDER },
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: `${CHANNEL_ID};messageid=1699999999000` },
    recipient: { id: `28:${APP_ID}`, name: 'Vigil' },
    channelData: { teamsChannelId: CHANNEL_ID, teamsTeamId: TEAM_ID, channel: { id: CHANNEL_ID }, team: { id: TEAM_ID, name: 'SecOps' }, tenant: { id: TENANT_ID } },
    ...over,
  };
}
