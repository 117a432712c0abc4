import { describe, expect, it } from 'vitest';
import { DISTRIBUTED_BRUTE_FORCE_THRESHOLDS } from '../../src/detections/distributed-brute-force.js';
import { sourceNetwork } from '../../src/detections/lib/logins.js';
import type { Alert } from '../../src/domain/index.js';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, HOUR, MIN, P, T0, ev } from '../fixtures/event.js';

const only = ['distributed-brute-force'];
const fail = (time: number, ip: string, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  ev({ time, actor: 'alice', action: 'user_login_failed', interactive: false, at: P.saoPaulo, ip, ...extra });
/** One account failing once from each of `n` different IPs, `every` apart. */
const botnet = (n: number, start = AFTER, every = 2 * MIN, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => fail(start + i * every, `198.51.${Math.floor(i / 200)}.${(i % 200) + 1}`, extra));
const evidence = (a: Alert) => Object.fromEntries(a.evidence.map((x) => [x.label, x.value]));

describe('distributed-brute-force', () => {
  it('30 IPs failing one account within an hour: one alert about the account, with the IPs', () => {
    const { alerts } = run(botnet(30), { only });
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.actor.email).toBe('alice@example.com');
    expect(a.title).toBe('alice@example.com: failed logins from 30 different IPs in 58 min');
    expect(a.count).toBe(30);
    const e = evidence(a);
    expect(e['Source IPs']).toBe('30 within 58 min (threshold 10 in 2 h)');
    expect(e['IPs']).toMatch(/^198\.51\.0\.1, .* and 15 more$/);
    expect(e['Countries']).toBe('BR');
    expect(a.facts.ips).toHaveLength(30);
  });

  it('fires below the failed-logins burst threshold (2 failures per 10 minutes)', () => {
    const { alerts } = run(botnet(12, AFTER, 5 * MIN), { only: [...only, 'failed-logins'] });
    expect(alerts.map((x) => x.detection)).toEqual(['distributed-brute-force']);
  });

  it('uses 20 IPs at low, 10 at medium, 5 at high', () => {
    expect(DISTRIBUTED_BRUTE_FORCE_THRESHOLDS).toEqual({ low: 20, medium: 10, high: 5 });
    for (const [sensitivity, n] of [['low', 20], ['medium', 10], ['high', 5]] as const) {
      expect(run(botnet(n - 1), { only, sensitivity }).alerts).toHaveLength(0);
      expect(run(botnet(n), { only, sensitivity }).alerts).toHaveLength(1);
    }
  });

  it('stays quiet for the same failures spread over a day', () => {
    for (const sensitivity of ['low', 'medium', 'high'] as const)
      expect(run(botnet(30, AFTER, 48 * MIN), { only, sensitivity }).alerts).toHaveLength(0);
  });

  it('12 failures of one account from one IP are failed-logins’ job', () => {
    const one = Array.from({ length: 12 }, (_, i) => fail(AFTER + i * 30_000, '105.112.33.7'));
    const { alerts } = run(one, { only: [...only, 'failed-logins'], sensitivity: 'high' });
    expect(alerts.map((x) => x.detection)).toEqual(['failed-logins']);
  });

  it('counts an IPv6 /64 once: a phone rotating privacy addresses is one source', () => {
    expect(sourceNetwork('2a02:c7f:1234:5600:a:b:c:d')).toBe('2a02:c7f:1234:5600::/64');
    expect(sourceNetwork('2a02:c7f::1')).toBe('2a02:c7f:0:0::/64');
    expect(sourceNetwork('2A02:0C7F:0000:0001::')).toBe('2a02:c7f:0:1::/64');
    const phone = Array.from({ length: 12 }, (_, i) => fail(AFTER + i * 3 * MIN, `2a02:c7f:1234:5600::${(i + 1).toString(16)}`));
    expect(run(phone, { only, sensitivity: 'high' }).alerts).toHaveLength(0);
    const hosts = Array.from({ length: 12 }, (_, i) => fail(AFTER + i * 3 * MIN, `2a02:c7f:1234:${(i + 1).toString(16)}::1`));
    expect(run(hosts, { only }).alerts).toHaveLength(1);
  });

  it('counts each account on its own', () => {
    const spread = botnet(20).map((e, i) => ({ ...e, actor: { ...e.actor, id: `acc-u${i % 4}` } }));
    expect(run(spread, { only }).alerts).toHaveLength(0);
  });

  it('honours user exclusions, and does not count excluded IPs (they do not hide the rest)', () => {
    expect(run(botnet(30), { only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    expect(run(botnet(30), { only, overrides: { [only[0]!]: { excludeIps: ['198.51.0.0/16'] } } }).alerts).toHaveLength(0);
    // 12 sources, 3 of them excluded: 9 left, below 10 at medium; 13 with 3 excluded: 10, an alert without them.
    expect(run(botnet(12), { only, exclude: { ips: ['198.51.0.1', '198.51.0.2', '198.51.0.12'] } }).alerts).toHaveLength(0);
    const { alerts } = run(botnet(13), { only, exclude: { ips: ['198.51.0.1', '198.51.0.2', '198.51.0.13'] } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.facts.ips).not.toContain('198.51.0.13');
  });

  it('needs no baseline, and places late failures into the burst of their time', () => {
    expect(run(botnet(10, T0), { only }).alerts).toHaveLength(1);
    const events = botnet(10, AFTER, 5 * MIN);
    const arrival = [...events.slice(0, 3), ...events.slice(4), events[3]!];
    const alerts = runInArrivalOrder(arrival, { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(10);
    expect(alerts[0]!.firstSeen).toBe(events[0]!.time);
  });

  it('keeps its state bounded for thousands of failures', () => {
    const { alerts, state } = run(botnet(2000, AFTER, 5000), { only });
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect((state.actors.get('acc-alice')!.d['distributed-brute-force'] as { fails: unknown[] }).fails.length).toBeLessThanOrEqual(500);
  });

  it('a second wave hours later is a new alert', () => {
    expect(run([...botnet(12), ...botnet(12, AFTER + 5 * HOUR)], { only }).alerts).toHaveLength(2);
  });

  describe('a successful sign-in after the burst', () => {
    const signIn = (time: number, ip: string) => ev({ time, actor: 'alice', at: P.saoPaulo, ip });
    it('from one of the failing IPs makes the alert critical and says so first', () => {
      for (const sensitivity of ['low', 'medium', 'high'] as const) {
        const n = DISTRIBUTED_BRUTE_FORCE_THRESHOLDS[sensitivity];
        const attack = [...botnet(n), signIn(AFTER + n * 2 * MIN + 20 * MIN, '198.51.0.3')];
        const { alerts } = run(attack, { only, sensitivity });
        expect(alerts).toHaveLength(1);
        const a = alerts[0]!;
        expect(a.severity).toBe('critical');
        expect(a.title).toMatch(/ — then signed in from 198\.51\.0\.3$/);
        expect(a.evidence[0]).toEqual({ label: 'Signed in afterwards', value: expect.stringMatching(/^⚠️ from 198\.51\.0\.3 at /) });
        expect(a.facts.signedInFrom).toEqual(['198.51.0.3']);
        expect(a.eventIds).toHaveLength(n + 1);
      }
    });

    it('links across sweeps: failures in earlier batches, the sign-in in a later one, the same alert grows to critical', () => {
      const alerts = runInArrivalOrder([...botnet(10), signIn(AFTER + 50 * MIN, '198.51.0.2')], { only });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!).toMatchObject({ severity: 'critical', facts: { signedInFrom: ['198.51.0.2'] } });
    });

    it('stays high when the account signs in from its usual IP, before the burst, or from a failing IP a day later', () => {
      for (const later of [signIn(AFTER + 40 * MIN, '203.0.113.7'), signIn(AFTER - 10 * MIN, '198.51.0.2'), signIn(AFTER + 30 * HOUR, '198.51.0.2')]) {
        const { alerts } = run([...botnet(10), later], { only });
        expect(alerts).toHaveLength(1);
        expect(alerts[0]!.severity).toBe('high');
        expect(alerts[0]!.facts.signedInFrom).toEqual([]);
        expect(alerts[0]!.evidence[0]).toEqual({ label: 'Signed in afterwards', value: 'not from these IPs' });
      }
    });

    it('a sign-in from a failing IP without a burst raises nothing', () => {
      for (const sensitivity of ['low', 'medium', 'high'] as const) {
        const n = DISTRIBUTED_BRUTE_FORCE_THRESHOLDS[sensitivity];
        expect(run([...botnet(n - 1), signIn(AFTER + n * 2 * MIN, '198.51.0.1')], { only, sensitivity }).alerts).toHaveLength(0);
      }
    });
  });
});
