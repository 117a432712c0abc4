import { WebAPIRateLimitedError } from '@slack/web-api';
import type { HomeView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { createHomePublisher } from '../../../src/channels/slack/home-publisher.js';
import { silentLog } from './fixtures.js';
import { manualClock, pump } from './manual-clock.js';

/** A publisher whose views carry a version number; `refuse` answers the next calls with 429 + Retry-After (s). */
function setup(opts: { perUserMs?: number; refuse?: number[] } = {}) {
  const clock = manualClock(1_000_000);
  const refuse = [...(opts.refuse ?? [])];
  let version = 0;
  const calls: Array<{ user: string; at: number; version: number; status: 200 | 429 }> = [];
  const publisher = createHomePublisher({
    log: silentLog,
    perUserMs: opts.perUserMs ?? 10_000,
    now: clock.now,
    sleep: clock.sleep,
    build: async (user) => ({ type: 'home', private_metadata: String(version), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: user } }] }) as HomeView,
    publish: async (user, view) => {
      const retry = refuse.shift();
      calls.push({ user, at: clock.now(), version: Number(view.private_metadata), status: retry === undefined ? 200 : 429 });
      if (retry !== undefined) throw new WebAPIRateLimitedError(retry);
    },
  });
  let idle = false;
  const settle = async () => {
    idle = false;
    void publisher.idle().then(() => (idle = true));
    await pump(clock, () => idle);
  };
  return { clock, publisher, calls, settle, bump: () => ++version };
}

describe('Slack Home tab publisher', () => {
  it('a user who opens the tab is served at once; calls are at least 600 ms apart', async () => {
    const t = setup();
    for (const u of ['U0A', 'U0B', 'U0C']) t.publisher.request(u, true);
    await t.settle();
    expect(t.calls.map((c) => [c.user, c.at - 1_000_000])).toEqual([
      ['U0A', 0],
      ['U0B', 600],
      ['U0C', 1200],
    ]);
  });

  it('coalesces a burst into one refresh per user per interval, with the newest content', async () => {
    const t = setup({ perUserMs: 10_000 });
    t.publisher.request('U0A', true);
    await t.settle();
    for (let i = 0; i < 50; i++) {
      t.bump();
      t.publisher.request('U0A');
    }
    await t.settle();
    expect(t.calls.map((c) => [c.at - 1_000_000, c.version])).toEqual([
      [0, 0],
      [10_000, 50],
    ]);
  });

  it('on 429 no call goes out before Retry-After; the view sent then is built then', async () => {
    const t = setup({ refuse: [3, 5] });
    t.publisher.request('U0A', true);
    t.publisher.request('U0B', true);
    await t.settle();
    const [first, second, third, fourth] = t.calls;
    expect(first).toMatchObject({ user: 'U0A', status: 429 });
    expect(second).toMatchObject({ status: 429 });
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(3000);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(5000);
    expect(third).toMatchObject({ status: 200 });
    expect(fourth).toMatchObject({ status: 200 });
    expect(new Set([third!.user, fourth!.user])).toEqual(new Set(['U0A', 'U0B']));
    expect(t.calls).toHaveLength(4);
  });

  it('a change while the publisher waits out a 429 is in the view it sends after', async () => {
    const t = setup({ refuse: [4] });
    t.publisher.request('U0A', true);
    await new Promise((r) => setTimeout(r, 5));
    expect(t.calls).toEqual([expect.objectContaining({ status: 429, version: 0 })]);
    t.bump();
    t.publisher.request('U0A');
    await t.settle();
    expect(t.calls.map((c) => [c.status, c.version, c.at - 1_000_000])).toEqual([
      [429, 0, 0],
      [200, 1, 4000],
    ]);
  });

  it('stop drops what is owed', async () => {
    const t = setup();
    t.publisher.request('U0A', true);
    t.publisher.request('U0B', true);
    t.publisher.stop();
    await t.settle();
    expect(t.calls.length).toBeLessThanOrEqual(1);
    expect(t.publisher.owed()).toBe(0);
  });
});
