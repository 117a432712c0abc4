import { describe, expect, it } from 'vitest';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { makeAlert } from '../fixtures/alert.js';

// The report measures time to acknowledge from when an alert was raised: the store stamps createdAt on the
// alert's first write, with its own clock, and keeps it when the alert grows.
describe('when an alert was raised', () => {
  it('is stamped once, on the first write, and kept when the alert grows', async () => {
    let now = 1_000_000;
    const store = createStore(createMemoryKV(), { now: () => now });
    const alert = makeAlert({ id: 'grows', firstSeen: 10, lastSeen: 20, count: 1 });
    await store.saveAlerts([alert]);
    expect((await store.getAlert('grows'))?.createdAt).toBe(1_000_000);
    now = 2_000_000;
    await store.saveAlerts([{ ...alert, lastSeen: 30, count: 2 }]);
    const grown = await store.getAlert('grows');
    expect(grown?.revision).toBe(2);
    expect(grown?.createdAt).toBe(1_000_000);
  });

  it('keeps a createdAt the source set (Guard Detect alerts carry their own)', async () => {
    const store = createStore(createMemoryKV(), { now: () => 5 });
    await store.saveAlerts([makeAlert({ id: 'gd', createdAt: 42 })]);
    expect((await store.getAlert('gd'))?.createdAt).toBe(42);
  });
});
