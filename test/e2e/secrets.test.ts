// A full sweep → card → click → Graph action flow with recognisable secret values, on a real Redis store and the
// loopback fakes, including failure paths (wrong webhook secret, bad Slack signature, Graph throttling, an
// Atlassian 401). None of the secrets — nor the Graph access tokens issued — appears in the logs, in any HTTP
// answer Vigil gave, in anything sent to Slack (cards, thread replies, response_url answers) or in the store.
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../../src/app.js';
import { ACTION } from '../../src/channels/slack/ids.js';
import { loadConfig } from '../../src/config/index.js';
import { blockAction, interactivity, postSigned } from '../channels/slack/fixtures.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { graphUser, startFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { TOR_IP, captureLogger } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './serve.js';

const S = {
  atlassian: 'ATLKEY-SECRET-a7f3c91e5d2b4068',
  webhook: 'WEBHOOK-SECRET-3c8e1f0a9b7d6254',
  slackBot: 'xoxb-9911-8822-SECRETbottoken77aa',
  signing: 'SIGNING-SECRET-5b2d8f4e1a9c7036',
  entra: 'ENTRA~SECRET-c4e7a1f9d3b8-0625',
  metrics: 'METRICS-SECRET-e8b1d4a7c2f95360',
};

let redis: RedisServer;
let atlassian: FakeAtlassian;
let slack: FakeSlack;
let graph: FakeGraph;
let app: VigilApp;
let base: string;
const logs = captureLogger('trace');
const answers: string[] = [];
const adele = graphUser({ mail: 'adele@contoso.com', displayName: 'Adele Vance' });

beforeAll(async () => {
  redis = await startRedis();
  atlassian = await startFakeAtlassian({ apiKey: S.atlassian });
  slack = await startFakeSlack({ token: S.slackBot });
  graph = await startFakeGraph({ clientSecret: S.entra, users: [adele] });
  const t = Date.now() - 3600_000;
  atlassian.events.push(
    rawEvent({ id: 'sec-1', time: t, actorId: 'acct-adele', email: 'adele@contoso.com', ip: '203.0.113.7' }),
    rawEvent({ id: 'sec-2', time: t + 60_000, actorId: 'acct-adele', email: 'adele@contoso.com', ip: TOR_IP }),
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-secrets-'));
  writeFileSync(path.join(dir, 'tor.txt'), `${TOR_IP}\n`);
  const cfg = loadConfig({
    VIGIL_STORE_URL: redis.url,
    PORT: '0',
    ATLASSIAN_ORG_ID: atlassian.orgId,
    ATLASSIAN_API_KEY: S.atlassian,
    ATLASSIAN_API_BASE_URL: atlassian.url,
    ATLASSIAN_MAX_RETRIES: '2',
    VIGIL_BACKFILL: '7d',
    VIGIL_LEARN: 'off',
    VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'),
    VIGIL_WEBHOOK_SECRET: S.webhook,
    VIGIL_METRICS_TOKEN: S.metrics,
    SLACK_BOT_TOKEN: S.slackBot,
    SLACK_SIGNING_SECRET: S.signing,
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_RESPONDERS: 'U0ALICE',
    SLACK_API_URL: slack.url,
    ENTRA_TENANT_ID: graph.tenantId,
    ENTRA_CLIENT_ID: graph.clientId,
    ENTRA_CLIENT_SECRET: S.entra,
    ENTRA_AUTHORITY_HOST: graph.authorityHost,
    GRAPH_BASE_URL: graph.graphBaseUrl,
    ENTRA_FOUR_EYES: 'false',
  });
  app = await createApp(cfg, logs.log);
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
}, 60_000);
afterAll(async () => {
  await app.stop();
  await Promise.all([slack.close(), graph.close(), atlassian.close()]);
  await redis.stop();
});

async function keep(res: Response) {
  answers.push(`${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${await res.text()}`);
  return res;
}

async function dumpRedis(url: string): Promise<string> {
  const client = createClient({ url });
  await client.connect();
  const out: string[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    if (type === 'string') out.push(`${key}=${await client.get(key)}`);
    else if (type === 'set') out.push(`${key}=${(await client.sMembers(key)).join(',')}`);
    else if (type === 'hash') out.push(`${key}=${JSON.stringify(await client.hGetAll(key))}`);
    else if (type === 'list') out.push(`${key}=${(await client.lRange(key, 0, -1)).join(',')}`);
    else out.push(`${key}:${type}`);
  }
  await client.quit();
  return out.join('\n');
}

describe('secrets stay secret through a full flow', () => {
  it('sweep, card, failures and a Graph action leave no secret in logs, answers, Slack or the store', async () => {
    await waitFor('the start-up sweep', async () => (await app.store.getLastSweep()) !== undefined);
    // A sweep that meets an Atlassian 401 fails and says so.
    atlassian.faults.push({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } });
    let failed = await app.sweep();
    while (!failed) failed = await app.sweep(); // until the start-up sweep has released its lock
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/401/);
    await waitFor('the card on Slack', () => slack.cards().length > 0, 30_000);
    const card = slack.cards()[0]!;

    // Failure paths that produce error answers.
    await keep(await fetch(`${base}/webhooks/atlassian`, { method: 'POST', headers: { authorization: `Bearer ${S.webhook}-wrong` }, body: '{}' }));
    await keep(await fetch(`${base}/webhooks/atlassian`, { method: 'POST', headers: { authorization: `Bearer ${S.webhook}` }, body: '{"data":[{"id":1}]}' }));
    await keep(await postSigned(`${base}/slack/events`, interactivity({ type: 'block_actions' }), { secret: `${S.signing}-wrong` }));
    await keep(await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } }));
    await keep(await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${S.metrics}` } }));
    await keep(await fetch(`${base}/readyz`));
    // The refusals issue 14 added: headers checked before the body, a body over the limit, /readyz details.
    await keep(await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' }));
    await keep(await postSigned(`${base}/slack/events`, interactivity({ type: 'block_actions' }), { secret: S.signing, ts: Math.floor(Date.now() / 1000) - 900 }));
    await keep(await fetch(`${base}/webhooks/atlassian`, { method: 'POST', headers: { authorization: `Bearer ${S.webhook}` }, body: 'x'.repeat(2 * 1_048_576) }));
    await keep(await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${S.metrics}` } }));

    // The click: Graph throttles once, then the revoke goes through.
    graph.throttle(/revokeSignInSessions$/, 1, 1);
    const click = { ...blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: card.alertId, channel: 'C0ALERTS', ts: card.message.ts }), response_url: slack.responseUrl('revoke') };
    const clickTs = Math.floor(Date.now() / 1000);
    await keep(await postSigned(`${base}/slack/events`, interactivity(click), { secret: S.signing, ts: clickTs }));
    // The same signed request again (a replay): refused, and its answer swept too.
    const replay = await postSigned(`${base}/slack/events`, interactivity(click), { secret: S.signing, ts: clickTs });
    expect(replay.status).toBe(409);
    await keep(replay);
    // A correctly signed click from another workspace: acked, logged and dropped before any work.
    const foreign = { ...blockAction({ user: 'U0ALICE', actionId: ACTION.notify, value: card.alertId, channel: 'C0ALERTS', ts: card.message.ts }), team: { id: 'T0OTHER', domain: 'other' } };
    await keep(await postSigned(`${base}/slack/events`, interactivity(foreign), { secret: S.signing }));
    expect(logs.lines.some((l) => l.msg === 'Slack request from another workspace refused')).toBe(true);
    await waitFor('the revoke outcome', async () => (await app.store.getActionOutcome(card.alertId, 'revoke-sessions'))?.status === 'done', 30_000);
    await waitFor('the card updated', () => slack.of('chat.update').length > 0, 30_000);
    await app.drain();
    expect(graph.issuedTokens.length).toBeGreaterThan(0);

    const secrets = [...Object.values(S), ...graph.issuedTokens];
    const haystacks: Record<string, string> = {
      logs: logs.lines.map((l) => JSON.stringify(l)).join('\n'),
      answers: answers.join('\n'),
      slackBodies: JSON.stringify(slack.calls.map((c) => ({ method: c.method, body: c.body }))),
      slackResponses: JSON.stringify(slack.responses),
      graphBodies: JSON.stringify(graph.calls.map((c) => c.body)),
      store: await dumpRedis(redis.url),
    };
    expect(haystacks.logs!.length).toBeGreaterThan(1000); // the flow really logged (trace level)
    expect(haystacks.store).toContain(card.alertId); // the dump really holds the alert, outcome and audit
    expect(haystacks.store).toContain('revoke-sessions');
    for (const [where, text] of Object.entries(haystacks))
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} contains ${secret.slice(0, 6)}…`).toBe(false);
        expect(text.includes(secret.slice(4, 20)), `${where} contains part of ${secret.slice(0, 6)}…`).toBe(false);
      }
    // The transport did carry them where it must (so the test would see a leak of the same values).
    expect(slack.calls.every((c) => c.auth === `Bearer ${S.slackBot}`)).toBe(true);
    expect(atlassian.requests.some((r) => r.auth === `Bearer ${S.atlassian}`)).toBe(true);
  }, 90_000);
});
