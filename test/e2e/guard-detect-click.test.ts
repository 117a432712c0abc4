// End to end: the composed service (createApp) on loopback with a real SQLite store, the fake Slack Web API and the
// fake Microsoft Graph. An audit event teaches Vigil the account's email; Guard Detect posts the same alert twice →
// one Slack card with the Guard Detect link and the response buttons; a signed click on it revokes the user's
// sessions through Graph and the card is updated in place.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../../src/app.js';
import { ACTION } from '../../src/channels/slack/ids.js';
import { loadConfig } from '../../src/config/index.js';
import { rawEvent } from '../fakes/atlassian.js';
import { fakeGraphEnv, graphUser, startFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { BOT_TOKEN, SIGNING_SECRET, blockAction, interactivity, postSigned } from '../channels/slack/fixtures.js';
import { captureLogger, tempSqliteUrl } from '../helpers/pipeline.js';
import { GD_ACCOUNT, guardDetectPayload } from '../sources/guard-detect/payload.js';
import { waitFor } from './serve.js';

const GD_SECRET = 'e2e-guard-detect-secret-000000001';
const AUDIT_SECRET = 'e2e-audit-webhook-secret-00000001';

let app: VigilApp | undefined;
let slack: FakeSlack | undefined;
let graph: FakeGraph | undefined;
afterEach(async () => {
  await app?.stop();
  await slack?.close();
  await graph?.close();
  app = slack = graph = undefined;
});

describe('Guard Detect alert → Slack card → click → Entra ID, end to end', () => {
  it('one card for the same alert twice, with the link; Require re-sign-in on it revokes the user through Graph', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com', displayName: 'Adele Vance' });
    graph = await startFakeGraph({ users: [adele] });
    slack = await startFakeSlack({ token: BOT_TOKEN, emails: { U0ALICE: 'alice@contoso.com' } });
    const cfg = loadConfig({
      PORT: '0',
      VIGIL_STORE_URL: tempSqliteUrl(),
      VIGIL_WEBHOOK_SECRET: AUDIT_SECRET,
      VIGIL_GUARD_DETECT_SECRET: GD_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_RESPONDERS: 'U0ALICE',
      SLACK_API_URL: slack.url,
      ...fakeGraphEnv(graph, { ENTRA_FOUR_EYES: 'false' }),
    });
    const { log, raw } = captureLogger('info');
    app = await createApp(cfg, log);
    const { port } = await app.start();
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, secret: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // The audit log has shown Vigil this account with its email (an ordinary login an hour ago).
    const login = rawEvent({ id: 'login-1', time: Date.now() - 3_600_000, actorId: GD_ACCOUNT, email: 'adelev@contoso.com', ip: '203.0.113.5' });
    expect((await post('/webhooks/atlassian', AUDIT_SECRET, [login])).status).toBe(202);
    // The audit webhook's secret does not open the Guard Detect route.
    expect((await post('/webhooks/guard-detect', AUDIT_SECRET, guardDetectPayload())).status).toBe(401);

    const first = (await (await post('/webhooks/guard-detect', GD_SECRET, guardDetectPayload())).json()) as { alerts: Array<{ id: string }> };
    const again = await (await post('/webhooks/guard-detect', GD_SECRET, guardDetectPayload())).json();
    expect(first).toMatchObject({ created: 1 });
    expect(again).toMatchObject({ duplicates: 1, created: 0 });
    const alertId = first.alerts[0]!.id;
    await app.drain();
    await waitFor('the card', () => slack!.cards().some((c) => c.alertId === alertId));
    await app.drain();
    const cards = slack.cards().filter((c) => !c.message.thread_ts);
    expect(cards.map((c) => c.alertId)).toEqual([alertId]);
    const card = cards[0]!.message;
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('<https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5|Open in Guard Detect>');
    expect(text).toContain('adelev@contoso.com');

    const res = await postSigned(`${base}/slack/events`, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: alertId, channel: String(card.channel), ts: String(card.ts) })));
    expect(res.status).toBe(200);
    await waitFor('the revoke outcome', async () => (await app!.store.getActionOutcome(alertId, 'revoke-sessions'))?.status === 'done');
    expect(graph.calls.filter((c) => c.method === 'POST' && c.path.endsWith(`/users/${adele.id}/revokeSignInSessions`))).toHaveLength(1);
    // The outcome is stored before the alert's status changes: wait for both.
    await waitFor('the alert actioned', async () => (await app!.store.getAlert(alertId))?.status === 'actioned');
    await waitFor('the card updated in place', () => slack!.of('chat.update').some((u) => u.ts === card.ts && JSON.stringify(u.blocks).includes('Revoked every refresh token')));
    expect(slack.cards().filter((c) => !c.message.thread_ts)).toHaveLength(1);
    expect(raw.join('')).not.toContain(GD_SECRET);
  });
});
