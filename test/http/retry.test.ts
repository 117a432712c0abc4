import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/domain/errors.js';
import { fetchJson } from '../../src/http/fetch-json.js';
import { backoffDelay, parseRetryAfter, DEFAULT_RETRY } from '../../src/http/retry.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const h = (o: Record<string, string>) => new Headers(o);

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and X-RateLimit-Reset in its documented forms', () => {
    expect(parseRetryAfter(h({ 'retry-after': '7' }), NOW)).toBe(7000);
    expect(parseRetryAfter(h({ 'retry-after': new Date(NOW + 3000).toUTCString() }), NOW)).toBe(3000);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset': '2026-01-01T12:01Z' }), NOW)).toBe(60_000);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset': '2026-01-01T12:01+0000' }), NOW)).toBe(60_000);
    expect(parseRetryAfter(h({ 'x-ratelimit-reset': String(NOW / 1000 + 5) }), NOW)).toBe(5000);
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(parseRetryAfter(h({}), NOW)).toBeUndefined();
  });
  it('backs off exponentially with jitter, capped', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, p, () => 0)).toBe(50);
    expect(backoffDelay(0, p, () => 1)).toBe(100);
    expect(backoffDelay(3, p, () => 1)).toBe(800);
    expect(backoffDelay(10, p, () => 1)).toBe(1000);
  });
});

describe('fetchJson', () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 };
  it('gives up after the bounded retries with a coded error and the status', async () => {
    nock('https://api.example.test').get('/x').times(3).reply(503, { message: 'down' });
    const err = await fetchJson('https://api.example.test/x', { service: 'Example', retry: fast }).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(503);
    expect(err.message).toBe('Example answered HTTP 503: down');
  });
  it('does not retry a 4xx and surfaces the error body and request id', async () => {
    const scope = nock('https://api.example.test')
      .get('/y')
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } }, { 'request-id': 'req-42' });
    const err = await fetchJson('https://api.example.test/y', { service: 'Graph', retry: fast }).catch((e) => e);
    expect(err.requestId).toBe('req-42');
    expect(err.message).toContain('Authorization_RequestDenied Insufficient privileges');
    scope.done();
  });
  it('refuses to wait longer than the cap a server asks for', async () => {
    nock('https://api.example.test').get('/z').reply(429, {}, { 'retry-after': '3600' });
    await expect(fetchJson('https://api.example.test/z', { service: 'Example', retry: { ...fast, maxRetryAfterMs: 60_000 } })).rejects.toThrow(/asked to wait 3600 s/);
  });
});
