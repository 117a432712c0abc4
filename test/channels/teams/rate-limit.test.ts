import { describe, expect, it } from 'vitest';
import { TEAMS_WINDOWS, createRateLimiter } from '../../../src/channels/teams/rate-limit.js';

/** A fake clock: sleep advances time; nothing waits for real. */
function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
}

describe('per-conversation pacing (Teams: 7/1 s, 8/2 s, 60/30 s, 1800/h)', () => {
  it('lets 7 requests through in the same instant, then waits for the 1-second window', async () => {
    const c = fakeClock();
    const lim = createRateLimiter({ now: c.now, sleep: c.sleep });
    const start = c.at();
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      await lim.acquire('conv-a');
      times.push(c.at() - start);
    }
    expect(times.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(times[7]).toBe(1000);
  });

  it('never exceeds any window over 120 requests', async () => {
    const c = fakeClock();
    const lim = createRateLimiter({ now: c.now, sleep: c.sleep });
    const sent: number[] = [];
    for (let i = 0; i < 120; i++) {
      await lim.acquire('conv-b');
      sent.push(c.at());
    }
    for (const w of TEAMS_WINDOWS)
      for (const t of sent) expect(sent.filter((s) => s >= t && s < t + w.ms).length).toBeLessThanOrEqual(w.max);
    // 60 per 30 s is the binding limit: request 61 waits until the first leaves the 30 s window.
    expect(sent[60]! - sent[0]!).toBeGreaterThanOrEqual(30_000);
  });

  it('paces conversations independently', async () => {
    const c = fakeClock();
    const lim = createRateLimiter({ now: c.now, sleep: c.sleep });
    for (let i = 0; i < 7; i++) await lim.acquire('conv-c');
    const before = c.at();
    await lim.acquire('conv-d');
    expect(c.at()).toBe(before);
  });

  it('serves concurrent callers in arrival order within the limits', async () => {
    const c = fakeClock();
    const lim = createRateLimiter({ now: c.now, sleep: c.sleep, windows: [{ max: 2, ms: 1000 }] });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => lim.acquire('x').then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
