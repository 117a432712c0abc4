import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_PRESETS, TEAMS_CLOUDS, teamsEndpoints } from '../../../src/channels/teams/clouds.js';
import { loadConfig } from '../../../src/config/index.js';
import { APP_ID, CHANNEL_ID, RESPONDER, TENANT_ID, channelActivity, connector } from '../../fakes/bot-framework.js';
import { startBot, type Bot } from './harness.js';

// TEAMS_CLOUD picks Microsoft's documented Bot Framework endpoints per cloud; each TEAMS_* endpoint wins over it.
// The adapter really uses them: an inbound token with the GCC High issuer is accepted with TEAMS_CLOUD=gcch and
// refused with the public cloud, and the reply's token comes from the GCC High login host with its scope.

const base = { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'bot-secret-value-123', MICROSOFT_APP_TENANT_ID: TENANT_ID, TEAMS_RESPONDERS: RESPONDER };

describe('Teams cloud endpoints', () => {
  it('maps each cloud to the documented endpoints, logging in at the bot tenant', () => {
    const at = (cloud: (typeof TEAMS_CLOUDS)[number]) => teamsEndpoints({ MICROSOFT_APP_TENANT_ID: TENANT_ID, TEAMS_CLOUD: cloud });
    expect(at('public')).toMatchObject({
      openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      tokenIssuer: 'https://api.botframework.com',
      loginUrl: `https://login.microsoftonline.com/${TENANT_ID}`,
      oAuthScope: 'https://api.botframework.com',
      channelService: '',
      callerId: 'urn:botframework:azure',
    });
    for (const gov of ['gcch', 'dod'] as const)
      expect(at(gov)).toMatchObject({
        openIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
        tokenIssuer: 'https://api.botframework.us',
        loginUrl: `https://login.microsoftonline.us/${TENANT_ID}`,
        oAuthScope: 'https://api.botframework.us',
        channelService: 'https://botframework.azure.us',
        callerId: 'urn:botframework:azureusgov',
      });
    expect(at('gcch').oAuthUrl).toBe('https://tokengcch.botframework.azure.us');
    expect(at('dod').oAuthUrl).toBe('https://apiDoD.botframework.azure.us');
    expect(at('china')).toMatchObject({
      openIdMetadataUrl: 'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
      tokenIssuer: 'https://api.botframework.azure.cn',
      loginUrl: `https://login.partner.microsoftonline.cn/${TENANT_ID}`,
      oAuthScope: 'https://api.botframework.azure.cn',
    });
    // The public values are botframework-connector's own defaults.
    expect(CLOUD_PRESETS.public.tokenIssuer).toBe('https://api.botframework.com');
  });

  it('each endpoint setting wins over the cloud shortcut; the others keep the cloud values', () => {
    const e = teamsEndpoints({ MICROSOFT_APP_TENANT_ID: TENANT_ID, TEAMS_CLOUD: 'gcch', TEAMS_LOGIN_URL: 'https://login.example.test/t1/', TEAMS_OAUTH_SCOPE: 'https://scope.example.test' });
    expect(e.loginUrl).toBe('https://login.example.test/t1');
    expect(e.oAuthScope).toBe('https://scope.example.test');
    expect(e.tokenIssuer).toBe('https://api.botframework.us');
    const cfg = loadConfig({ ...base, TEAMS_CLOUD: 'DoD', TEAMS_TOKEN_ISSUER: 'https://issuer.example.test' });
    expect(cfg.teams.TEAMS_CLOUD).toBe('dod');
    expect(teamsEndpoints(cfg.teams).tokenIssuer).toBe('https://issuer.example.test');
    expect(loadConfig(base).teams.TEAMS_CLOUD).toBe('public');
  });

  it('a bad cloud or endpoint is a settings error naming the variable', () => {
    expect(() => loadConfig({ ...base, TEAMS_CLOUD: 'gov', TEAMS_OPENID_METADATA_URL: 'not a url' })).toThrow(
      /TEAMS_CLOUD: must be one of: public, gcch, dod, china[\s\S]*TEAMS_OPENID_METADATA_URL: must be an http\(s\) URL/,
    );
  });
});

/** The bot's GCC High token at login.microsoftonline.us (MSAL discovery and the client-credentials grant). */
function nockGovBotToken(scopes: string[]) {
  const host = nock('https://login.microsoftonline.us').persist();
  host.get(`/${TENANT_ID}/v2.0/.well-known/openid-configuration`).reply(200, {
    token_endpoint: `https://login.microsoftonline.us/${TENANT_ID}/oauth2/v2.0/token`,
    issuer: `https://login.microsoftonline.us/${TENANT_ID}/v2.0`,
    authorization_endpoint: `https://login.microsoftonline.us/${TENANT_ID}/oauth2/v2.0/authorize`,
    end_session_endpoint: `https://login.microsoftonline.us/${TENANT_ID}/oauth2/v2.0/logout`,
    jwks_uri: `https://login.microsoftonline.us/${TENANT_ID}/discovery/v2.0/keys`,
  });
  host.get('/common/discovery/instance').query(true).reply(200, {
    tenant_discovery_endpoint: `https://login.microsoftonline.us/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: 'login.microsoftonline.us', preferred_cache: 'login.microsoftonline.us', aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'] }],
  });
  host
    .post(`/${TENANT_ID}/oauth2/v2.0/token`, (body) => (scopes.push(String(body.scope)), body.grant_type === 'client_credentials'))
    .query(true)
    .reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'gov-bot-access-token' });
}

const help = () => channelActivity({ text: '<at>Vigil</at> help', entities: [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: `28:${APP_ID}`, name: 'Vigil' } }] });
const GOV_ISSUER = 'https://api.botframework.us';

describe('the adapter uses the cloud it is given', () => {
  let gcch: Bot;
  let pub: Bot;
  beforeAll(async () => {
    gcch = await startBot({ env: { TEAMS_CLOUD: 'gcch' } });
    pub = await startBot({ env: { TEAMS_CLOUD: 'public' } });
  });
  afterAll(async () => {
    await gcch?.close();
    await pub?.close();
  });

  it('TEAMS_CLOUD=gcch: a token with the GCC High issuer is accepted and the reply uses a GCC High bot token', async () => {
    const scopes: string[] = [];
    nockGovBotToken(scopes);
    let auth = '';
    const msg = help();
    const reply = connector()
      .post((uri) => decodeURIComponent(uri).includes(`/v3/conversations/${CHANNEL_ID};messageid=1699999999000/activities/${String(msg.id)}`))
      .matchHeader('authorization', (v) => ((auth = v), true))
      .reply(200, { id: 'r1' });
    const res = await gcch.send(msg, gcch.openid.token({ iss: GOV_ISSUER }));
    expect(res.status).toBe(200);
    expect(reply.isDone()).toBe(true);
    expect(auth).toBe('Bearer gov-bot-access-token');
    expect(scopes).toEqual(['https://api.botframework.us/.default']);
  });

  it('TEAMS_CLOUD=gcch refuses a public-cloud token; the public cloud refuses the GCC High one', async () => {
    expect((await gcch.send(help(), gcch.openid.token())).status).toBe(401);
    expect((await pub.send(help(), pub.openid.token({ iss: GOV_ISSUER }))).status).toBe(401);
  });
});
