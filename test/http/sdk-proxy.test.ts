import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, RESPONDER, SERVICE_URL, TENANT_ID, channelActivity, signJwt } from '../fakes/bot-framework.js';
import { TEST_CA_FILE, json, startConnectProxy, startSaas } from '../helpers/saas-behind-proxy.js';

// Every SDK path of a real `vigil serve` behind a strict forward proxy: Slack's Web API and its Socket Mode
// WebSocket (@slack/socket-mode), Bot Framework's OpenID metadata (botframework-connector's node-fetch), the bot
// token (msal-node) and the Bot Connector replies (@azure/core-rest-pipeline). The SaaS hosts are reachable ONLY
// through the proxy (it maps them to loopback fakes with certificates for the real names); a call that went
// direct would resolve the real host and fail, and the flows below would not complete. NO_PROXY hosts go direct.

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = `proxy-test-${randomUUID()}`;
const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
const hello = { type: 'hello', num_connections: 1, debug_info: { host: 'applink-test', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0VIGIL' } };
const tenantMeta = {
  token_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`,
  issuer: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
  authorization_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize`,
  end_session_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/logout`,
  jwks_uri: `https://login.microsoftonline.com/${TENANT_ID}/discovery/v2.0/keys`,
};

let saas: Awaited<ReturnType<typeof startSaas>>;
let atlassian: Server;
const atlassianSaw: string[] = [];

beforeAll(async () => {
  saas = await startSaas(
    {
      'slack.com': (req, res) => {
        if (req.url === '/api/auth.test') return json(res, 200, { ok: true, team: 'Acme', team_id: 'T0ACME', user: 'vigil', user_id: 'U0VIGIL', bot_id: 'B0VIGIL' });
        if (req.url === '/api/apps.connections.open') return json(res, 200, { ok: true, url: 'wss://wss-primary.slack.com/link/?ticket=test-ticket&app_id=A0VIGIL' });
        json(res, 200, { ok: true });
      },
      'login.botframework.com': (req, res) => {
        if (req.url?.startsWith('/v1/.well-known/openidconfiguration'))
          return json(res, 200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/.well-known/keys', id_token_signing_alg_values_supported: ['RS256'] });
        if (req.url === '/v1/.well-known/keys') return json(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] });
        json(res, 404, {});
      },
      'login.microsoftonline.com': (req, res, body) => {
        if (req.url?.startsWith('/common/discovery/instance'))
          return json(res, 200, { tenant_discovery_endpoint: `https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com'] }] });
        if (req.url?.startsWith(`/${TENANT_ID}/v2.0/.well-known/openid-configuration`)) return json(res, 200, tenantMeta);
        if (req.url?.startsWith(`/${TENANT_ID}/oauth2/v2.0/token`) && body.includes('grant_type=client_credentials'))
          return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'bot-access-token-via-proxy' });
        json(res, 400, { error: 'invalid_request' });
      },
      'smba.trafficmanager.net': (_req, res) => json(res, 201, { id: 'reply-1' }),
    },
    { 'wss-primary.slack.com': (send) => send(JSON.stringify(hello)) },
  );
  atlassian = createServer((req, res) => {
    atlassianSaw.push(req.url ?? '');
    json(res, 200, { data: [], links: {}, meta: { next: null } });
  });
  await new Promise<void>((r) => atlassian.listen(0, '127.0.0.1', r));
});

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await saas.close();
  await new Promise((r) => atlassian.close(r));
});

/** `vigil serve` from dist/ in an empty directory with only these settings; resolves once it listens. */
async function serve(env: Record<string, string>) {
  const bin = new URL('../../bin/vigil.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: mkdtempSync(join(tmpdir(), 'vigil-sdk-proxy-')),
    env: {
      PATH: process.env.PATH ?? '',
      VIGIL_TOR_EXIT_LIST_URL: 'off',
      VIGIL_LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      PORT: '0',
      VIGIL_STORE_URL: 'memory://',
      NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
      ATLASSIAN_ORG_ID: 'org-1',
      ATLASSIAN_API_KEY: 'atlassian-key-not-real',
      ATLASSIAN_API_BASE_URL: `http://127.0.0.1:${(atlassian.address() as { port: number }).port}`,
      SLACK_BOT_TOKEN: 'xoxb-1-proxy-test-token',
      SLACK_APP_TOKEN: 'xapp-1-A0VIGIL-proxy-test',
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_RESPONDERS: 'U0RESPONDER',
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'bot-secret-value-proxy-test',
      MICROSOFT_APP_TENANT_ID: TENANT_ID,
      TEAMS_RESPONDERS: RESPONDER,
      ...env,
    },
  });
  children.push(child);
  const out = { stderr: '', stdout: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const m = /Vigil listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out.stderr);
      if (m) resolve(Number(m[1]));
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => reject(new Error(`vigil serve exited ${code}: ${out.stderr.slice(-2000)}`)));
  });
  return { child, out, port };
}

async function until(what: string, cond: () => boolean, out: { stderr: string }) {
  for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}; vigil stderr:\n${out.stderr.slice(-3000)}`);
}

/** A Teams channel message "help" with a Bot Framework JWT from the fake login.botframework.com key. */
function postTeamsHelp(port: number) {
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600 }, privateKey, kid);
  const activity = channelActivity({ text: '<at>Vigil</at> help', entities: [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: `28:${APP_ID}`, name: 'Vigil' } }] });
  return fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(activity) });
}

/** Every stderr line is one JSON log line: no raw stack or library print outside the logger. */
function onlyLogLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^\{.*\}$/.test(l.trim()));
}

describe('every SDK through the outbound proxy (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS)', () => {
  it('Slack Web API and Socket Mode, Bot Framework metadata, token and replies all go through the proxy; NO_PROXY goes direct', async () => {
    const proxy = await startConnectProxy((target) => (/^(slack\.com|wss-primary\.slack\.com|login\.botframework\.com|login\.microsoftonline\.com|smba\.trafficmanager\.net):443$/.test(target) ? saas.port : undefined));
    try {
      // Lowercase https_proxy wins over a wrong uppercase HTTPS_PROXY; NO_PROXY lets the loopback Atlassian fake go direct.
      const { out, port } = await serve({ https_proxy: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:1', NO_PROXY: '127.0.0.1' });
      // Socket Mode: apps.connections.open and the WebSocket upgrade, both tunnelled.
      await until('the Socket Mode WebSocket', () => saas.upgrades.some((u) => u.startsWith('wss-primary.slack.com/link/')), out);
      const res = await postTeamsHelp(port);
      expect(res.status).toBe(200);
      await until('the Teams reply at the Bot Connector', () => saas.requests.some((r) => r.host === 'smba.trafficmanager.net' && r.method === 'POST'), out);
      const reply = saas.requests.find((r) => r.host === 'smba.trafficmanager.net' && r.method === 'POST')!;
      expect(reply.path).toMatch(/^\/emea\/v3\/conversations\/.+\/activities/);
      expect(reply.authorization).toBe('Bearer bot-access-token-via-proxy');
      await until('the start-up check of Atlassian', () => atlassianSaw.length > 0, out);

      expect(proxy.connects).toEqual(expect.arrayContaining(['slack.com:443', 'wss-primary.slack.com:443', 'login.botframework.com:443', 'login.microsoftonline.com:443', 'smba.trafficmanager.net:443']));
      const byHost = (h: string) => saas.requests.filter((r) => r.host === h).map((r) => `${r.method} ${r.path.split('?')[0]}`);
      expect(byHost('slack.com')).toEqual(expect.arrayContaining(['POST /api/auth.test', 'POST /api/apps.connections.open']));
      expect(byHost('login.botframework.com')).toEqual(expect.arrayContaining(['GET /v1/.well-known/openidconfiguration', 'GET /v1/.well-known/keys']));
      expect(byHost('login.microsoftonline.com')).toContain(`POST /${TENANT_ID}/oauth2/v2.0/token`);
      // NO_PROXY: the Atlassian fake was reached directly, the proxy never asked for it; nothing used plain proxying.
      expect(atlassianSaw[0]).toMatch(/^\/admin\/v1\/orgs\/org-1\/events-stream/);
      expect(proxy.connects.filter((c) => c.startsWith('127.0.0.1') || c.startsWith('GET '))).toEqual([]);
      expect(onlyLogLines(out.stderr)).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('a proxy that refuses the Microsoft token host: the Teams request answers without internal text, stderr holds only log lines', async () => {
    const proxy = await startConnectProxy((target) => (/^(slack\.com|wss-primary\.slack\.com|login\.botframework\.com|smba\.trafficmanager\.net):443$/.test(target) ? saas.port : undefined));
    try {
      const { out, port } = await serve({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1', LOG_LEVEL: 'debug' });
      const res = await postTeamsHelp(port);
      const body = await res.text();
      await until('the refused token request', () => proxy.connects.includes('login.microsoftonline.com:443'), out);
      await until('the failure in the log', () => /Teams turn failed|Teams request failed/.test(out.stderr), out);
      expect(body).not.toMatch(/ENOTFOUND|EAI_AGAIN|Proxy response|microsoftonline|at .+\(.+:\d+:\d+\)/);
      expect(onlyLogLines(out.stderr)).toEqual([]);
      expect(out.stderr).not.toContain('bot-secret-value-proxy-test');
    } finally {
      await proxy.close();
    }
  }, 90_000);
});
