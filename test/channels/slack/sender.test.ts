import { WebClient } from '@slack/web-api';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createSlackSender, slackErrorCode } from '../../../src/channels/slack/sender.js';
import { UpstreamError } from '../../../src/domain/errors.js';
import { API, BOT_TOKEN, silentLog } from './fixtures.js';

function setup(over: { now?: () => number; minIntervalMs?: number; maxRetryAfterMs?: number } = {}) {
  const sleeps: number[] = [];
  const client = new WebClient(BOT_TOKEN, { rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const sender = createSlackSender({
    client,
    log: silentLog,
    now: over.now ?? (() => 0),
    minIntervalMs: over.minIntervalMs ?? 0,
    maxRetryAfterMs: over.maxRetryAfterMs,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { sender, sleeps };
}

describe('Slack sender', () => {
  it('retries chat.postMessage after the Retry-After of a 429', async () => {
    const bodies: unknown[] = [];
    const scope = nock(API)
      .post('/api/chat.postMessage', (b) => (bodies.push(b), true))
      .reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '3' })
      .post('/api/chat.postMessage', (b) => (bodies.push(b), true))
      .reply(200, { ok: true, channel: 'C1', ts: '1700000000.000100' });
    const { sender, sleeps } = setup();
    await expect(sender.post('C1', { text: 'hello' })).resolves.toEqual({ channel: 'C1', ts: '1700000000.000100' });
    expect(sleeps).toEqual([3000]);
    expect(bodies).toHaveLength(2);
    scope.done();
  });

  it('gives up (for the outbox to retry later) when Slack asks for a longer wait than allowed', async () => {
    nock(API).post('/api/chat.postMessage').reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '600' });
    const { sender, sleeps } = setup({ maxRetryAfterMs: 60_000 });
    const err = await sender.post('C1', { text: 'hello' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).code).toBe('upstream_rate_limited');
    expect(sleeps).toEqual([]);
  });

  it('paces writes to one channel about one per second, and not across channels', async () => {
    let t = 10_000;
    nock(API).post('/api/chat.postMessage').times(3).reply(200, (_u, body) => ({ ok: true, channel: new URLSearchParams(String(body)).get('channel'), ts: '1.1' }));
    const { sender, sleeps } = setup({ now: () => t, minIntervalMs: 1000 });
    await sender.post('C1', { text: 'a' });
    t += 300; // the next write to C1 comes 300 ms later: it must wait 700 ms
    await sender.post('C1', { text: 'b' });
    await sender.post('C2', { text: 'c' }); // another channel: no wait (its first write)
    expect(sleeps).toEqual([700]);
  });

  it('turns Slack platform errors into coded errors', async () => {
    nock(API).post('/api/chat.update').reply(200, { ok: false, error: 'message_not_found' });
    const { sender } = setup();
    const err = await sender.update('C1', '1.1', { text: 'x', blocks: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).code).toBe('slack_message_not_found');
    expect(slackErrorCode(err)).toBe('message_not_found');
  });
});
