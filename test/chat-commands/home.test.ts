import { describe, expect, it } from 'vitest';
import { HOME_LIST_LIMIT, buildHome, countByDetection, loadHomeData } from '../../src/chat-commands/index.js';
import type { StatusInfo } from '../../src/chat-commands/index.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { HOME_NOW, homeAlert, homeFixture } from '../fixtures/home.js';

const DAY = 86_400_000;
const status: StatusInfo = { store: 'memory', integrations: [{ name: 'Slack', ok: true }] };

describe('buildHome', () => {
  it('lists the viewer\'s own alerts first, then by severity, then the most recent', () => {
    const home = buildHome(homeFixture(), { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    // trent is alice's (medium, 90 min ago) and comes before the critical and high ones nobody or bob owns.
    expect(home.alerts.map((a) => a.id)).toEqual(['trent', 'mallory', 'eve', 'peggy']);
    expect(home.alerts.map((a) => a.mine)).toEqual([true, false, false, false]);
    expect(home.mine).toBe(1);
    expect(home.alerts[0]!.owner).toEqual({ platform: 'slack', id: 'U0ALICE', name: 'alice', at: HOME_NOW - 3_600_000, assignedBy: { platform: 'slack', id: 'U0BOB', name: 'bob' } });
  });

  it('"yours" is the same id on the same platform: alice on Teams owns peggy, not trent', () => {
    const home = buildHome(homeFixture(), { platform: 'teams', id: 'aad-alice' }, HOME_NOW);
    expect(home.alerts.map((a) => a.id)).toEqual(['peggy', 'mallory', 'eve', 'trent']);
    // A Slack user whose id happens to equal a Teams owner id does not own it.
    expect(buildHome(homeFixture(), { platform: 'slack', id: 'aad-alice' }, HOME_NOW).mine).toBe(0);
  });

  it('without alerts of their own a viewer sees severity order, newest first within a severity', () => {
    const data = homeFixture();
    data.open.push(homeAlert('newer-medium', { ago: 1 }));
    const home = buildHome(data, { platform: 'slack', id: 'U0CAROL' }, HOME_NOW);
    expect(home.alerts.map((a) => a.id)).toEqual(['mallory', 'eve', 'newer-medium', 'trent', 'peggy']);
  });

  it('lists open and acknowledged alerts only, and counts acknowledged ones', () => {
    const home = buildHome(homeFixture(), { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    expect(home.alerts.every((a) => a.status === 'open' || a.status === 'acknowledged')).toBe(true);
    expect(home.openTotal).toBe(4);
    expect(home.acknowledged).toBe(2);
    // A resolved alert in the loaded list (it changed after the index was read) is not listed.
    const data = homeFixture();
    data.open[1] = { ...data.open[1]!, status: 'dismissed' };
    expect(buildHome(data, { platform: 'slack', id: 'U0ALICE' }, HOME_NOW).alerts.map((a) => a.id)).not.toContain('eve');
  });

  it('caps the list but reports the total', () => {
    const data = homeFixture();
    data.open = Array.from({ length: 40 }, (_, i) => homeAlert(`a${i}`, { ago: i + 1 }));
    data.index = data.open.map((a) => ({ id: a.id, lastSeen: a.lastSeen, detection: a.detection, status: a.status }));
    const home = buildHome(data, { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    expect(home.alerts).toHaveLength(HOME_LIST_LIMIT);
    expect(home.alerts[0]!.id).toBe('a0');
    expect(home.openTotal).toBe(40);
    expect(buildHome(data, { platform: 'slack', id: 'U0ALICE' }, HOME_NOW, { limit: 3 }).alerts).toHaveLength(3);
  });

  it('carries the last sweep and integration health as /vigil status shows them', () => {
    const home = buildHome(homeFixture(), { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    expect(home.status.lastSweep).toMatchObject({ ok: true, events: 412, agoMs: 120_000 });
    expect(home.status.integrations).toEqual([
      { name: 'Slack', ok: true, detail: 'Socket Mode, workspace Example' },
      { name: 'Microsoft Graph', ok: false, detail: 'token request failed: invalid_client' },
    ]);
    const fresh = buildHome({ ...homeFixture(), lastSweep: undefined }, { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    expect(fresh.status.lastSweep).toBeUndefined();
  });
});

describe('counts by detection', () => {
  const entry = (detection: string, daysAgo: number, status = 'open') => ({ id: `${detection}-${daysAgo}`, detection, status, lastSeen: HOME_NOW - daysAgo * DAY });

  it('counts alerts last seen within 7 and 30 days, whatever their status, at the edges inclusive', () => {
    const counts = countByDetection(
      [entry('a', 0), entry('a', 7), entry('a', 7.01), entry('a', 30, 'dismissed'), entry('a', 30.01), entry('b', 29, 'actioned'), entry('b', 31)],
      HOME_NOW,
    );
    expect(counts).toEqual([
      { detection: 'a', last7d: 2, last30d: 4 },
      { detection: 'b', last7d: 0, last30d: 1 },
    ]);
  });

  it('orders by 30-day count and caps the list, summing what it left out', () => {
    const index = Array.from({ length: 14 }, (_, d) => Array.from({ length: d + 1 }, (_, i) => ({ ...entry(`det-${d}`, 1), id: `${d}-${i}` }))).flat();
    const home = buildHome({ ...homeFixture(), index }, { platform: 'slack', id: 'U0ALICE' }, HOME_NOW);
    expect(home.counts).toHaveLength(10);
    expect(home.counts[0]).toEqual({ detection: 'det-13', last7d: 14, last30d: 14 });
    expect(home.otherDetections).toBe(4);
    expect(home.totals).toEqual({ last7d: index.length, last30d: index.length });
  });
});

describe('loadHomeData', () => {
  it('reads the newest unresolved alerts only, bounded by the scan limit', async () => {
    const store = createStore(createMemoryKV());
    const open = Array.from({ length: 30 }, (_, i) => homeAlert(`o${i}`, { ago: i + 1 }));
    const closed = Array.from({ length: 20 }, (_, i) => homeAlert(`c${i}`, { status: 'dismissed', ago: i + 1 }));
    await store.saveAlerts([...open, ...closed]);
    await store.saveLastSweep({ startedAt: HOME_NOW - 2000, finishedAt: HOME_NOW - 1000, events: 3, alerts: 0, skipped: 0, ok: true });
    const reads: string[] = [];
    const counting = { ...store, getAlert: (id: string) => (reads.push(id), store.getAlert(id)) };
    const data = await loadHomeData({ store: counting, status: async () => status }, 12);
    expect(reads).toHaveLength(12);
    expect(data.open.map((a) => a.id)).toEqual(open.slice(0, 12).map((a) => a.id));
    expect(data.index).toHaveLength(50);
    expect(data.lastSweep?.events).toBe(3);
    expect(data.status).toBe(status);
    // The counts still see every alert in the index.
    expect(buildHome(data, { platform: 'slack', id: 'U0X' }, HOME_NOW).openTotal).toBe(30);
  });
});
