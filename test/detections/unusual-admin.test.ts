import { describe, expect, it } from 'vitest';
import { ADMIN_THRESHOLDS } from '../../src/detections/unusual-admin.js';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history } from '../fixtures/event.js';

const only = ['unusual-admin'];
const ACTIONS = ['user_granted_role', 'added_org_admin', 'group_granted_admin_access', 'user_revoked_role', 'twosv_disabled_for_user'];
const admin = (time: number, i = 0, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  ev({ time, action: ACTIONS[i % ACTIONS.length]!, at: P.london, target: `user${i}`, ...extra });
const burst = (n: number, start = AFTER + 21 * HOUR, actor = 'alice') => Array.from({ length: n }, (_, i) => admin(start + i * 5 * MIN, i, { actor }));
const base = history('alice', P.london);
/** A routine admin: 1–3 role changes between 10:00 and 11:00 every day from T0. */
const routine = (actor: string, days = 20) =>
  Array.from({ length: days }, (_, d) => Array.from({ length: 1 + (d % 3) }, (_, i) => admin(T0 + d * DAY + 10 * HOUR + i * 10 * MIN, 0, { actor }))).flat();

describe('unusual-admin', () => {
  it('alerts when a user with no admin history makes 2 admin changes within an hour, listing them', () => {
    const { alerts } = run([...base, ...burst(2)], { only });
    expect(alerts).toHaveLength(1);
    const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
    expect(e['Admin actions (60 min)']).toBe('2');
    expect(e.Actions).toBe('user_granted_role → user0@example.com; added_org_admin → user1@example.com');
    expect(e.Baseline).toBe('none in the previous 30 days');
  });

  it('stays quiet for a single change, changes hours apart, and non-admin activity', () => {
    expect(run([...base, ...burst(1)], { only }).alerts).toHaveLength(0);
    expect(run([...base, admin(AFTER, 0), admin(AFTER + 2 * HOUR, 1)], { only }).alerts).toHaveLength(0);
    expect(run([...base, ...burst(5).map((e) => ({ ...e, action: 'page_updated' }))], { only }).alerts).toHaveLength(0);
  });

  it('recognises policy, API-key, domain and allowlist changes by key or display name', () => {
    const odd = [
      ev({ time: AFTER, action: 'authentication_policy_updated', at: P.london }),
      ev({ time: AFTER + MIN, action: 'xyz', actionName: 'Added IP allowlist rule', at: P.london }),
    ];
    expect(run([...base, ...odd], { only }).alerts).toHaveLength(1);
  });

  it('a routine admin alerts only above three times their busiest hour', () => {
    const r = routine('ops'); // busiest hour: 3 actions
    expect(run([...r, ...burst(9, AFTER + 10 * DAY + 21 * HOUR, 'ops').map((e, i) => ({ ...e, time: AFTER + 10 * DAY + 21 * HOUR + i * 4 * MIN }))], { only }).alerts).toHaveLength(0);
    const ten = Array.from({ length: 10 }, (_, i) => admin(T0 + 20 * DAY + 21 * HOUR + i * 4 * MIN, i, { actor: 'ops' }));
    const { alerts } = run([...r, ...ten], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence.find((x) => x.label === 'Baseline')!.value).toMatch(/busiest hour 3$/);
    // Routine days themselves never alert.
    expect(run(routine('ops', 30), { only }).alerts).toHaveLength(0);
  });

  it('uses 4 at low, 2 at medium, 1 at high', () => {
    expect(ADMIN_THRESHOLDS).toEqual({ low: 4, medium: 2, high: 1 });
    for (const [sensitivity, n] of [['low', 4], ['medium', 2], ['high', 1]] as const) {
      if (n > 1) expect(run([...base, ...burst(n - 1)], { only, sensitivity }).alerts).toHaveLength(0);
      expect(run([...base, ...burst(n)], { only, sensitivity }).alerts).toHaveLength(1);
    }
  });

  it('honours user, IP and site exclusions; the system actor never counts', () => {
    expect(run([...base, ...burst(3)], { only, exclude: { users: ['acc-alice'] } }).alerts).toHaveLength(0);
    expect(run([...base, ...burst(3)], { only, exclude: { ips: [P.london.ip] } }).alerts).toHaveLength(0);
    const sys = burst(3).map((e) => ({ ...e, interactive: false, actor: { id: 'atlassian-internal', name: 'Atlassian Internal System' } }));
    expect(run([...history('x', P.london), ...sys], { only }).alerts).toHaveLength(0);
    const site = burst(3).map((e) => ({ ...e, site: { host: 'admin.atlassian.com' } }));
    expect(run([...base, ...site], { only, exclude: { sites: ['admin.atlassian.com'] } }).alerts).toHaveLength(0);
  });

  it('learns for 7 days in a new org: bursts raise nothing while the org has no baseline', () => {
    expect(run(burst(4, T0 + HOUR), { only }).alerts).toHaveLength(0);
    expect(run([...burst(4, T0 + HOUR, 'bob'), ...burst(6, T0 + 2 * DAY, 'bob')], { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  describe('an account new to an org with a baseline is judged against the org, not ignored', () => {
    // Ann administers routinely (daily busiest hour 1, 2, 3, …: median 2); Bob is first seen 2 days before his burst.
    const org = routine('ann', 20);
    const at = T0 + 20 * DAY + 21 * HOUR;
    const newcomer = (n: number) => [ev({ time: at - 2 * DAY, actor: 'bob', at: P.london }), ...Array.from({ length: n }, (_, i) => admin(at + Math.floor((i * 45 * MIN) / n), i, { actor: 'bob' }))];
    const fires = (n: number, sensitivity: 'low' | 'medium' | 'high') => run([...org, ...newcomer(n)], { only, sensitivity }).alerts.length;

    it('14 admin actions in 45 minutes by an admin first seen 2 days ago alert at every sensitivity, saying why', () => {
      for (const s of ['low', 'medium', 'high'] as const) expect(fires(14, s)).toBe(1);
      const a = run([...org, ...newcomer(14)], { only }).alerts[0]!;
      expect(a.actor.email).toBe('bob@example.com');
      expect(a.count).toBe(14);
      expect(a.facts.newActor).toBe(true);
      expect(a.evidence.find((e) => e.label === 'Baseline')!.value).toBe(`new to the org (first seen ${new Date(at - 2 * DAY).toISOString().replace('.000Z', 'Z')}); the org's usual busiest admin hour: 2`);
    });

    it('each sensitivity has its multiple of the org’s usual busiest hour (low 4×, medium 3×, high 2×)', () => {
      expect([fires(9, 'low'), fires(8, 'low')]).toEqual([1, 0]);
      expect([fires(7, 'medium'), fires(6, 'medium')]).toEqual([1, 0]);
      expect([fires(5, 'high'), fires(4, 'high')]).toEqual([1, 0]);
    });

    it('in an org where nobody administers, the sensitivity threshold alone decides', () => {
      const quiet = [...history('ann', P.london, T0, 20), ...newcomer(ADMIN_THRESHOLDS.medium)];
      expect(run(quiet, { only }).alerts).toHaveLength(1);
      expect(run([...history('ann', P.london, T0, 20), ...newcomer(1)], { only }).alerts).toHaveLength(0);
    });

    it('after their first 7 days the account is judged against its own baseline again', () => {
      const later = [...org, ev({ time: at - 9 * DAY, actor: 'bob', at: P.london }), ...routine('bob', 0), ...newcomer(7).slice(1)];
      expect(run(later, { only }).alerts).toHaveLength(1); // no admin history of their own: 7 actions are unusual
      const settled = [...routine('ann', 20), ...Array.from({ length: 12 }, (_, d) => admin(T0 + (8 + d) * DAY + 10 * HOUR, 0, { actor: 'bob' }))];
      expect(run([...settled, ...newcomer(3).slice(1)], { only }).alerts).toHaveLength(0); // 3 ≤ 3 × their busiest hour
    });
  });

  it('deduplicates: a long burst is one growing alert', () => {
    const { alerts } = run([...base, ...burst(8)], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(8);
  });

  it('a late-processed admin action completes the burst of its time', () => {
    const [a, b] = burst(2);
    const alerts = runInArrivalOrder([...base, a!, ev({ time: AFTER + 23 * HOUR, at: P.london }), b!], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.eventIds.sort()).toEqual([a!.id, b!.id].sort());
  });
});
