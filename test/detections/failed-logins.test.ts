import { describe, expect, it } from 'vitest';
import { FAILED_LOGIN_THRESHOLDS } from '../../src/detections/failed-logins.js';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, HOUR, MIN, P, T0, ev } from '../fixtures/event.js';

const only = ['failed-logins'];
const fail = (time: number, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  ev({ time, action: 'user_login_failed', interactive: false, at: P.saoPaulo, ip: '105.112.33.7', ...extra });
const burst = (n: number, start = AFTER, every = 30_000, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => fail(start + i * every, extra));

describe('failed-logins', () => {
  it('alerts on 10 failures within 10 minutes, with count, IPs and times', () => {
    const { alerts } = run(burst(10), { only });
    expect(alerts).toHaveLength(1);
    const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
    expect(e['Failed logins']).toBe('10 within 5 min (threshold 10 in 10 min)');
    expect(e['From IPs']).toBe('105.112.33.7');
    expect(alerts[0]!.count).toBe(10);
  });

  it('stays quiet for 9 failures, or 10 spread over more than 10 minutes', () => {
    expect(run(burst(9), { only }).alerts).toHaveLength(0);
    expect(run(burst(10, AFTER, 70_000), { only }).alerts).toHaveLength(0);
    // Successful logins never count.
    expect(run(burst(12, AFTER, 30_000, { action: 'user_login', interactive: true }), { only }).alerts).toHaveLength(0);
  });

  it('recognises a failed login by its display name as well as by key', () => {
    const byName = burst(10, AFTER, 30_000, { action: 'some_unknown_key', actionName: 'Login failed for account' });
    expect(run(byName, { only }).alerts).toHaveLength(1);
    const other = burst(10, AFTER, 30_000, { action: 'page_updated', actionName: 'Page update failed' });
    expect(run(other, { only }).alerts).toHaveLength(0);
  });

  it('uses 20 at low, 10 at medium, 5 at high', () => {
    expect(FAILED_LOGIN_THRESHOLDS).toEqual({ low: 20, medium: 10, high: 5 });
    for (const [sensitivity, n] of [['low', 20], ['medium', 10], ['high', 5]] as const) {
      expect(run(burst(n - 1), { only, sensitivity }).alerts).toHaveLength(0);
      expect(run(burst(n), { only, sensitivity }).alerts).toHaveLength(1);
    }
  });

  it('honours user, IP and site exclusions', () => {
    expect(run(burst(12), { only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    expect(run(burst(12), { only, overrides: { 'failed-logins': { excludeIps: ['105.112.0.0/16'] } } }).alerts).toHaveLength(0);
    expect(run(burst(12, AFTER, 30_000, { site: 'x.atlassian.net' }), { only, exclude: { sites: ['x.atlassian.net'] } }).alerts).toHaveLength(0);
  });

  it('needs no baseline: a burst in the first hour of a new org alerts', () => {
    expect(run(burst(10, T0), { only }).alerts).toHaveLength(1);
  });

  it('alerts once while the burst goes on, and again for a burst hours later', () => {
    const long = burst(40, AFTER, 20_000); // 40 failures over 13 minutes
    const { alerts } = run(long, { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(40);
    const two = [...long, ...burst(10, AFTER + 3 * HOUR)];
    expect(run(two, { only }).alerts).toHaveLength(2);
    // Each user has their own burst.
    expect(run([...burst(10), ...burst(10, AFTER, 30_000, { actor: 'bob' })], { only }).alerts).toHaveLength(2);
  });

  it('counts late-processed failures into the burst of their time', () => {
    const events = burst(10, AFTER, MIN);
    // The 5th failure is processed after the rest: the burst completes only when it arrives.
    const arrival = [...events.slice(0, 4), ...events.slice(5), events[4]!];
    const alerts = runInArrivalOrder(arrival, { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(10);
    expect(alerts[0]!.firstSeen).toBe(events[0]!.time);
  });
});
