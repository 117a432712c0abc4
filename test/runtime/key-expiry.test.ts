import { describe, expect, it } from 'vitest';
import { checkKeyExpiry, type ExpiryWarning } from '../../src/runtime/key-expiry.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';

const DAY = 86_400_000;
const EXPIRES = '2027-03-31';
const at = (daysBefore: number) => Date.parse(EXPIRES) - daysBefore * DAY;

describe('checkKeyExpiry', () => {
  it('warns once each at 14, 7 and 1 days, and once more when expired', async () => {
    const store = createStore(createMemoryKV());
    const sent: ExpiryWarning[] = [];
    const warn = async (w: ExpiryWarning) => {
      sent.push(w);
    };
    for (const d of [30, 15, 14, 13.5, 12, 8, 7, 6, 2, 1, 0.5, -1, -2]) await checkKeyExpiry({ store, expires: EXPIRES, now: at(d), warn });
    expect(sent.map((w) => w.threshold)).toEqual([14, 7, 1, 0]);
    expect(sent.map((w) => w.daysLeft)).toEqual([14, 7, 1, -1]);
    expect(sent[0]!.message).toContain('expires in 14 days (2027-03-31)');
    expect(sent[3]!.message).toContain('expired on 2027-03-31');
  });

  it('a process first started 5 days before expiry sends one warning, then the 1-day one', async () => {
    const store = createStore(createMemoryKV());
    const sent: number[] = [];
    const warn = async (w: ExpiryWarning) => {
      sent.push(w.threshold);
    };
    await checkKeyExpiry({ store, expires: EXPIRES, now: at(5), warn });
    await checkKeyExpiry({ store, expires: EXPIRES, now: at(4), warn });
    await checkKeyExpiry({ store, expires: EXPIRES, now: at(1), warn });
    expect(sent).toEqual([7, 1]);
  });

  it('a failed post is not remembered, so the next run tries again', async () => {
    const store = createStore(createMemoryKV());
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 1) throw new Error('Slack is down');
    };
    await expect(checkKeyExpiry({ store, expires: EXPIRES, now: at(10), warn: flaky })).rejects.toThrow('Slack is down');
    expect(await checkKeyExpiry({ store, expires: EXPIRES, now: at(10), warn: flaky })).toMatchObject({ threshold: 14 });
    expect(await checkKeyExpiry({ store, expires: EXPIRES, now: at(9), warn: flaky })).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('a new expiry date (key rotated) starts the warnings afresh; no date or far away means no warning', async () => {
    const store = createStore(createMemoryKV());
    const sent: string[] = [];
    const warn = async (w: ExpiryWarning) => {
      sent.push(`${w.expires}:${w.threshold}`);
    };
    await checkKeyExpiry({ store, expires: EXPIRES, now: at(3), warn });
    await checkKeyExpiry({ store, expires: '2027-04-02', now: at(3) + 0, warn });
    await checkKeyExpiry({ store, expires: '2028-03-31', now: at(3), warn });
    await checkKeyExpiry({ store, expires: undefined, now: at(3), warn });
    expect(sent).toEqual(['2027-03-31:7', '2027-04-02:7']);
  });
});
