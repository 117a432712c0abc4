import { afterEach, describe, expect, it } from 'vitest';
import { createSlackIntegration } from '../../../src/channels/slack/index.js';
import { slackSchema } from '../../../src/channels/slack/settings.js';
import { UpstreamError } from '../../../src/domain/errors.js';
import { closeServer, createHttpApp, listen } from '../../../src/runtime/server.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore } from '../../../src/store/store.js';
import { startFakeSlack } from '../../fakes/slack.js';
import { BOT_TOKEN, baseUrl, fakeActions, postSigned, silentLog } from './fixtures.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const deps = (env: Record<string, string>) => ({
  env: slackSchema.parse({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_ALERT_CHANNEL: 'C0ALERTS', SLACK_RESPONDERS: 'U0ALICE', ...env }),
  app: createHttpApp(),
  store: createStore(createMemoryKV()),
  actions: fakeActions().service,
  log: silentLog,
  dryRun: false,
  status: async () => ({ store: 'memory', integrations: [] }),
  retryConfig: { retries: 0 },
});

/** The fake Slack Web API on loopback, closed after the test. */
async function fakeSlack() {
  const slack = await startFakeSlack({ token: BOT_TOKEN });
  closers.push(() => slack.close());
  return slack;
}

describe('Slack connection modes', () => {
  it('SLACK_APP_TOKEN selects Socket Mode and mounts no HTTP endpoint', async () => {
    const slack = await fakeSlack();
    const d = deps({ SLACK_APP_TOKEN: 'xapp-1-A0APP-123-abcdef', SLACK_API_URL: slack.url });
    const integration = await createSlackIntegration(d);
    expect(integration.mode).toBe('socket');
    expect(integration.status()).toEqual({ name: 'Slack', ok: true, detail: 'Socket Mode, workspace Example, alerts to C0ALERTS' });
    expect(slack.of('auth.test')).toHaveLength(1);
    const server = await listen(d.app, '127.0.0.1', 0, silentLog);
    closers.push(() => closeServer(server));
    const res = await postSigned(`${baseUrl(server)}/slack/events`, 'payload=%7B%7D');
    expect(res.status).toBe(404);
  });

  it('SLACK_API_URL points the Web API at another base URL', async () => {
    // The fake listens on its own loopback base URL: a call reaching it went where SLACK_API_URL said.
    const slack = await fakeSlack();
    const integration = await createSlackIntegration(deps({ SLACK_SIGNING_SECRET: 'secret-secret', SLACK_API_URL: slack.url }));
    expect(integration.mode).toBe('http');
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(slack.calls[0]!.auth).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('a rejected bot token stops start-up with a clear error', async () => {
    const slack = await fakeSlack();
    slack.once('auth.test', { ok: false, error: 'invalid_auth' });
    const err = await createSlackIntegration(deps({ SLACK_SIGNING_SECRET: 'secret-secret', SLACK_API_URL: slack.url })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/Slack rejected SLACK_BOT_TOKEN .*invalid_auth/);
    expect((err as Error).message).not.toContain(BOT_TOKEN);
  });
});
