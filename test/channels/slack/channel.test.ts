import { afterEach, describe, expect, it } from 'vitest';
import { createOutbox } from '../../../src/pipeline/outbox.js';
import { parseRoutes, routeAlert } from '../../../src/channels/slack/routing.js';
import { sampleAlert, sampleView, silentLog } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Slack routing', () => {
  it('detection route beats severity route beats the default channel', () => {
    const routes = parseRoutes('C0DEFAULT', ['high=C0HIGH', 'impossible-travel=C0TRAVEL', 'policy:vip=C0VIP']);
    expect(routeAlert(routes, { detection: 'impossible-travel', severity: 'high' })).toBe('C0TRAVEL');
    expect(routeAlert(routes, { detection: 'anonymous-ip', severity: 'high' })).toBe('C0HIGH');
    expect(routeAlert(routes, { detection: 'policy:vip', severity: 'low' })).toBe('C0VIP');
    expect(routeAlert(routes, { detection: 'anonymous-ip', severity: 'medium' })).toBe('C0DEFAULT');
    expect(() => parseRoutes('C0', ['high C0HIGH'])).toThrow(/not <severity or detection>=<channel id>/);
  });
});

/** The card of al_travel_1 (2 events) already posted at C0ALERTS/1700000000.000001: its delivery record. */
function delivered(harness: Harness) {
  harness.slack.seed({ channel: 'C0ALERTS', ts: '1700000000.000001', text: 'card' });
  return { channel: 'slack', alertId: 'al_travel_1', revision: 1, ref: { channel: 'C0ALERTS', ts: '1700000000.000001', count: '2' }, attempts: 0, deliveredAt: 1 };
}

describe('Slack alert channel', () => {
  it('posts a new card to the routed channel and returns {channel, ts}', async () => {
    h = await startHarness({ env: { SLACK_CHANNEL_ROUTES: 'impossible-travel=C0TRAVEL' } });
    const ref = await h.integration.channel.deliver(sampleView(), undefined);
    expect(ref).toEqual({ channel: 'C0TRAVEL', ts: expect.stringMatching(/^\d+\.\d+$/), count: '2' });
    const [post] = h.slack.of('chat.postMessage');
    expect(post).toMatchObject({ channel: 'C0TRAVEL', text: expect.stringContaining('[HIGH]') });
    expect(post!.blocks[0]).toMatchObject({ type: 'header' });
  });

  it('retries chat.postMessage after Retry-After when Slack answers 429', async () => {
    h = await startHarness();
    h.slack.once('chat.postMessage', [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '2' }]);
    const ref = await h.integration.channel.deliver(sampleView(), undefined);
    expect(ref.channel).toBe('C0ALERTS');
    expect(h.sleeps).toContain(2000);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('an alert that grows updates its card in place and says so in the thread', async () => {
    h = await startHarness();
    const previous = delivered(h);
    const ref = await h.integration.channel.deliver(sampleView({}, { count: 5, revision: 2 }), previous);
    expect(h.slack.of('chat.postMessage')).toEqual([expect.objectContaining({ thread_ts: '1700000000.000001', text: expect.stringContaining('3 more matching events (5 in all)') })]);
    expect(h.slack.of('chat.update')).toEqual([expect.objectContaining({ channel: 'C0ALERTS', ts: '1700000000.000001' })]);
    expect(ref).toMatchObject({ channel: 'C0ALERTS', ts: '1700000000.000001', count: '5' });
  });

  it('a card deleted in Slack is posted again instead of failing forever', async () => {
    h = await startHarness();
    h.slack.once('chat.update', { ok: false, error: 'message_not_found' });
    const previous = delivered(h);
    const ref = await h.integration.channel.deliver(sampleView({}, { revision: 2 }), previous);
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
    expect(ref.ts).not.toBe('1700000000.000001');
  });

  it('a user who answered "no" gets the responders pinged once in the thread', async () => {
    h = await startHarness();
    const denied = { userAnswer: { answer: 'no', by: { platform: 'teams', id: 'aad-1', name: 'Alice' }, at: 12345 }, userDenied: true };
    const previous = delivered(h);
    const ref = await h.integration.channel.deliver(sampleView({}, { facts: denied, revision: 2 }), previous);
    expect(h.slack.of('chat.postMessage')).toEqual([expect.objectContaining({ text: expect.stringContaining('<@U0ALICE> <@U0BOB> <!subteam^S0SECTEAM>') })]);
    expect(ref.pingedAnswerAt).toBe('12345');
    await h.integration.channel.deliver(sampleView({}, { facts: denied, revision: 3 }), { ...previous, ref });
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('a storm becomes one digest with the cards in its thread; a small batch is left to single delivery', async () => {
    h = await startHarness({ env: { SLACK_DIGEST_THRESHOLD: '3' } });
    const views = [1, 2, 3, 4].map((i) => sampleView({}, { id: `al_${i}`, title: `user${i}: anonymous IP` }));
    expect((await h.integration.channel.deliverBatch!(views.slice(0, 2))).size).toBe(0);
    expect(h.slack.of('chat.postMessage')).toEqual([]);
    const refs = await h.integration.channel.deliverBatch!(views);
    const posts = h.slack.of('chat.postMessage');
    expect(posts).toHaveLength(5);
    expect(posts[0]).toMatchObject({ channel: 'C0ALERTS', text: expect.stringContaining('4 new alerts') });
    const digestTs = refs.get('al_1')!.thread_ts;
    expect(posts.slice(1).every((p) => p.thread_ts === digestTs)).toBe(true);
    expect([...refs.keys()]).toEqual(['al_1', 'al_2', 'al_3', 'al_4']);
  });

  it('through the real outbox: first drain posts, a grown alert is updated in place', async () => {
    h = await startHarness();
    const outbox = createOutbox({ store: h.store, channels: [h.integration.channel], log: silentLog, dryRun: false });
    await h.store.saveAlerts([sampleAlert()]);
    expect(await outbox.drain()).toMatchObject({ delivered: 1, failed: 0 });
    const delivery = await h.store.getDelivery('slack', 'al_travel_1');
    expect(delivery?.ref).toMatchObject({ channel: 'C0ALERTS', ts: expect.any(String) });
    await h.store.saveAlerts([sampleAlert({ count: 3, lastSeen: sampleAlert().lastSeen + 60_000, eventIds: ['e3'] })]);
    expect(await outbox.drain()).toMatchObject({ delivered: 1 });
    expect(h.slack.of('chat.update')).toEqual([expect.objectContaining({ ts: delivery!.ref.ts })]);
    expect(h.slack.of('chat.postMessage')).toHaveLength(2); // the card, then the growth note in its thread
  });
});
