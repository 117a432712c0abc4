// End to end: a signed Slack click on loopback → the Slack integration → the real actions service → Microsoft Graph
// (nock, documented shapes) → the card updated in place and the outcome in the alert's thread.
import type { Server } from 'node:http';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import type { UserMessenger } from '../../src/actions/types.js';
import { createSlackIntegration } from '../../src/channels/slack/index.js';
import { ACTION } from '../../src/channels/slack/ids.js';
import { slackSchema } from '../../src/channels/slack/settings.js';
import { closeServer, createHttpApp, listen } from '../../src/runtime/server.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { BOT_TOKEN, SIGNING_SECRET, baseUrl, blockAction, interactivity, postSigned, silentLog } from '../channels/slack/fixtures.js';
import { FAST_RETRY, entraEnv, makeAlert } from '../actions/helpers.js';
import { ADELE, GRAPH, nockToken, nockUserFilter } from '../fakes/graph.js';

let server: Server | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  await fake?.close();
  server = undefined;
  fake = undefined;
});

async function start() {
  const slack = (fake = await startFakeSlack({ token: BOT_TOKEN, emails: { U0ADELE: 'adelev@contoso.com' } }));
  const store = createStore(createMemoryKV());
  await store.saveAlerts([makeAlert()]);
  await store.saveDelivery({ channel: 'slack', alertId: 'alert-1', revision: 1, ref: { channel: 'C0ALERTS', ts: '1700000000.000100' }, attempts: 1, deliveredAt: 1 });
  slack.seed({ channel: 'C0ALERTS', ts: '1700000000.000100', text: 'the card' });
  const messengers: UserMessenger[] = [];
  const actions = createActionsService({
    env: entraEnv({ ENTRA_FOUR_EYES: 'false' }),
    store,
    log: silentLog,
    dryRun: false,
    messengers,
    retry: FAST_RETRY,
  });
  const app = createHttpApp();
  const integration = await createSlackIntegration({
    env: slackSchema.parse({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_ALERT_CHANNEL: 'C0ALERTS', SLACK_RESPONDERS: 'U0ALICE', SLACK_API_URL: slack.url }),
    app,
    store,
    actions,
    log: silentLog,
    dryRun: false,
    status: async () => ({ store: 'memory', integrations: [] }),
    processBeforeResponse: true,
    retryConfig: { retries: 0 },
    minIntervalMs: 0,
    sleep: async () => undefined,
  });
  messengers.push(integration.messenger);
  server = await listen(app, '127.0.0.1', 0, silentLog);
  return { slack, store, url: `${baseUrl(server)}/slack/events` };
}

describe('Slack click → Entra action, end to end', () => {
  it('Require re-sign-in: one Graph revoke, the card shows the outcome, the thread carries it with the warnings', async () => {
    const { slack, store, url } = await start();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const revoke = nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true }, { 'request-id': 'req-revoke' });

    const res = await postSigned(url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: 'alert-1' })));
    expect(res.status).toBe(200);
    revoke.done();

    const update = slack.of('chat.update').at(-1);
    expect(update?.ts).toBe('1700000000.000100');
    expect(JSON.stringify(update?.blocks)).toContain('Revoked every refresh token and session of Adele Vance');
    const threadTexts = slack.of('chat.postMessage').filter((m) => m.thread_ts === '1700000000.000100').map((m) => String(m.text));
    expect(threadTexts.some((t) => t.includes('Revoked every refresh token') && t.includes('Existing Atlassian sessions'))).toBe(true);
    expect(await store.getActionOutcome('alert-1', 'revoke-sessions')).toMatchObject({ status: 'done', requestIds: ['req-lookup-mail', 'req-revoke'] });
    expect((await store.getAlert('alert-1'))?.status).toBe('actioned');
  });

  it('Notify: email through Graph and a Slack DM; the user answers No, the alert goes to high and responders are pinged', async () => {
    const { slack, store, url } = await start();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const mail = nock(GRAPH).post('/v1.0/users/security@contoso.com/sendMail').reply(202, '');
    await postSigned(url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.notify, value: 'alert-1' })));
    mail.done();
    const notified = await store.getActionOutcome('alert-1', 'notify');
    expect(notified?.status).toBe('done');
    expect(notified?.message).toContain('slack direct message');
    const dm = slack.of('chat.postMessage').find((m) => String(m.channel).startsWith('D0'));
    expect(dm).toBeDefined();

    const res = await postSigned(
      url,
      interactivity(blockAction({ user: 'U0ADELE', actionId: ACTION.answerNo, value: 'alert-1', channel: String(dm!.channel) })),
    );
    expect(res.status).toBe(200);
    const alert = await store.getAlert('alert-1');
    expect(alert).toMatchObject({ severity: 'high', facts: { userDenied: true, userAnswer: { answer: 'no' } } });
    const reply = slack.of('chat.postMessage').find((m) => m.thread_ts === '1700000000.000100' && String(m.text).includes('NO, it was not me'));
    expect(String(reply?.text)).toContain('<@U0ALICE>');
    const audit = await store.listAudit('alert-1');
    expect(audit.at(-1)).toMatchObject({ what: 'user-answer', outcome: 'no', by: 'u0adele (slack:U0ADELE)' });
  });
});
