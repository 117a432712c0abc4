// 429 storms from the loopback Slack Web API and Microsoft Graph (+ token endpoint), on a real Redis store:
// every card is posted exactly once and every action completes, each 429 answered by waiting its Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import type { ActionsService } from '../../src/actions/types.js';
import { createSlackIntegration } from '../../src/channels/slack/index.js';
import { slackSchema } from '../../src/channels/slack/settings.js';
import { entraSchema } from '../../src/actions/settings.js';
import { createOutbox } from '../../src/pipeline/outbox.js';
import { createHttpApp } from '../../src/runtime/server.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { fakeGraphEnv, graphUser, startFakeGraph } from '../fakes/graph.js';
import { startFakeSlack } from '../fakes/slack.js';
import { captureLogger } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { allAlerts, cardReport } from './serve.js';
import { torAlert } from '../fixtures/alert.js';

let redis: RedisServer;
const stores: Store[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await redis.stop();
});
async function freshStore(): Promise<Store> {
  const kv = await openKV(redis.url);
  const s = createStore(kv);
  stores.push(s);
  return s;
}

const noActions: ActionsService = {
  execute: async () => {
    throw new Error('no action expected in this test');
  },
  recordUserAnswer: async () => undefined,
  own: async () => ({ status: 'refused', message: 'not in this test' }),
};

describe('Slack 429 storm', () => {
  it('posts every card exactly once, waiting each Retry-After; what still fails is retried by the outbox', async () => {
    const slack = await startFakeSlack({ seed: 429 });
    const store = await freshStore();
    const { log } = captureLogger('warn');
    const sleeps: number[] = [];
    const integration = await createSlackIntegration({
      env: slackSchema.parse({
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: 'storm-signing-secret-0123456789abcdef',
        SLACK_ALERT_CHANNEL: 'C0ALERTS',
        SLACK_RESPONDERS: 'U0ALICE',
        SLACK_API_URL: slack.url,
        SLACK_DIGEST_THRESHOLD: '1000',
      }),
      app: createHttpApp(),
      store,
      actions: noActions,
      log,
      dryRun: false,
      status: async () => ({ store: 'redis', integrations: [] }),
      retryConfig: { retries: 0 },
      minIntervalMs: 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const alerts = Array.from({ length: 30 }, (_, i) => torAlert(i, `user${i}@example.com`));
    await store.saveAlerts(alerts);
    slack.rateLimit('chat.postMessage', 6, 2); // a burst of six 429s asking for 2 s, then random ones
    slack.rateLimitRate = 0.35;
    let clock = Date.now();
    const outbox = createOutbox({ store, channels: [integration.channel], log, dryRun: false, now: () => clock });
    let failed = 0;
    for (let i = 0; i < 40 && (await store.pendingOutbox()).length > 0; i++) {
      const r = await outbox.drain();
      failed += r.failed;
      clock += 16 * 60_000; // past the longest outbox backoff
    }
    slack.rateLimitRate = 0;
    expect(await store.pendingOutbox()).toEqual([]);
    expect(cardReport(slack, await allAlerts(store))).toEqual({ duplicates: [], missing: [], unknown: [], stale: [] });

    const limited = slack.calls.filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThan(15);
    expect(failed).toBeGreaterThan(0); // some posts gave up in-process and were retried by the outbox
    // Every 429 was either waited out for exactly its Retry-After, or ended that attempt (then the outbox retried).
    expect(sleeps.length + failed).toBe(limited.length);
    const asked = limited.map((c) => c.retryAfterS! * 1000).sort();
    expect(sleeps.every((ms) => asked.includes(ms))).toBe(true);
    expect(sleeps.filter((ms) => ms === 2000).length).toBeGreaterThan(0);
    await slack.close();
  });
});

describe('Microsoft Graph 429 storm', () => {
  it('completes every action, each 429 retried no sooner than its Retry-After, each revoke done once', async () => {
    const users = Array.from({ length: 5 }, (_, i) => graphUser({ mail: `user${i}@contoso.com` }));
    const graph = await startFakeGraph({ users });
    const store = await freshStore();
    const { log } = captureLogger('warn');
    const alerts = users.map((u, i) => torAlert(i, u.mail!, 'gr'));
    await store.saveAlerts(alerts);
    const actions = createActionsService({
      env: entraSchema.parse(fakeGraphEnv(graph, { ENTRA_FOUR_EYES: 'false' })),
      store,
      log,
      dryRun: false,
      messengers: [],
      retry: { maxRetries: 6, baseDelayMs: 5, maxDelayMs: 20 },
    });
    graph.throttleToken(1, 1);
    graph.throttle(/^GET \/users$/, 3, 1);
    graph.throttle(/revokeSignInSessions$/, 4, 2);
    const by = { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' };
    const outcomes = await Promise.all(alerts.map((a) => actions.execute({ alertId: a.id, kind: 'revoke-sessions', by, requestedAt: Date.now() })));
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    for (const u of users) expect(graph.calls.filter((c) => c.path === `/users/${u.id}/revokeSignInSessions` && c.status === 200)).toHaveLength(1);
    expect(graph.calls.filter((c) => c.status === 429)).toHaveLength(7);

    // A retry never came sooner than the Retry-After of the 429 before it (same request).
    const sameRequest = (a: { method: string; path: string; query: string }, b: typeof a) => a.method === b.method && a.path === b.path && a.query === b.query;
    for (const [i, c] of graph.calls.entries()) {
      if (c.status !== 429) continue;
      const next = graph.calls.slice(i + 1).find((n) => sameRequest(n, c));
      expect(next).toBeDefined();
      expect(next!.at - c.at).toBeGreaterThanOrEqual(c.retryAfterS! * 1000 - 2);
    }
    expect(graph.tokenCalls.map((t) => t.status)).toEqual([429, 200]);
    expect(graph.tokenCalls[1]!.at - graph.tokenCalls[0]!.at).toBeGreaterThanOrEqual(998);
    // Repeating a click is answered from the stored outcome: no second revoke.
    const again = await actions.execute({ alertId: alerts[0]!.id, kind: 'revoke-sessions', by, requestedAt: Date.now() });
    expect(again.status).toBe('done');
    expect(graph.calls.filter((c) => c.path === `/users/${users[0]!.id}/revokeSignInSessions` && c.status === 200)).toHaveLength(1);
    await graph.close();
  });
});
