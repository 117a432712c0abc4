import { describe, expect, it } from 'vitest';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history } from '../fixtures/event.js';

const only = ['unusual-impersonation'];
const imp = (time: number, target: string, actor = 'alice', extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  ev({ time, actor, action: 'user_logged_in_as_user', target, at: P.london, message: `Logged in as ${target}@example.com`, ...extra });
/** A help desk: two impersonations every weekday from T0, hours apart. */
const helpDesk = (actor = 'desk', days = 20) =>
  Array.from({ length: days }, (_, d) => [imp(T0 + d * DAY + 11 * HOUR, `u${d}a`, actor), imp(T0 + d * DAY + 15 * HOUR, `u${d}b`, actor)]).flat();

describe('unusual-impersonation', () => {
  it('alerts on the first impersonation in 30 days, naming the impersonated user', () => {
    const { alerts } = run([...history('alice', P.london), imp(AFTER, 'bob')], { only });
    expect(alerts).toHaveLength(1);
    const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
    expect(e).toMatchObject({ Impersonated: 'bob@example.com', 'Why unusual': 'first impersonation in 30 days', 'Impersonations in the previous 30 days': '0' });
  });

  it('stays quiet for a help desk that impersonates routinely, and for other actions', () => {
    expect(run(helpDesk(), { only }).alerts).toHaveLength(0);
    expect(run([...history('alice', P.london), ev({ time: AFTER, action: 'user_login', target: 'bob' })], { only }).alerts).toHaveLength(0);
  });

  it('alerts when a routine impersonator logs in as 3 distinct users within an hour', () => {
    const spree = [imp(T0 + 20 * DAY + 9 * HOUR, 'x1', 'desk'), imp(T0 + 20 * DAY + 9 * HOUR + 10 * MIN, 'x2', 'desk'), imp(T0 + 20 * DAY + 9 * HOUR + 20 * MIN, 'x3', 'desk')];
    const { alerts } = run([...helpDesk(), ...spree], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence.find((x) => x.label === 'Why unusual')!.value).toBe('3 distinct users within 60 minutes');
    expect(alerts[0]!.count).toBe(3);
    // The same user three times is not three distinct users.
    const same = spree.map((e) => imp(e.time, 'x1', 'desk'));
    expect(run([...helpDesk(), ...same], { only }).alerts).toHaveLength(0);
  });

  it('high reports every impersonation; low behaves like medium', () => {
    const late = imp(T0 + 20 * DAY + 11 * HOUR, 'someone', 'desk');
    expect(run([...helpDesk(), late], { only, sensitivity: 'high' }).alerts.length).toBeGreaterThan(0);
    expect(run([...helpDesk(), late], { only, sensitivity: 'medium' }).alerts).toHaveLength(0);
    expect(run([...helpDesk(), late], { only, sensitivity: 'low' }).alerts).toHaveLength(0);
    expect(run([...history('alice', P.london), imp(AFTER, 'bob')], { only, sensitivity: 'low' }).alerts).toHaveLength(1);
  });

  it('honours user, IP and site exclusions', () => {
    const events = [...history('alice', P.london), imp(AFTER, 'bob', 'alice', { site: 'acme.atlassian.net' })];
    expect(run(events, { only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, exclude: { ips: ['81.2.69.0/24'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, exclude: { sites: ['acme.atlassian.net'] } }).alerts).toHaveLength(0);
  });

  it('learns for 7 days in a new org: the help desk’s first impersonations are its baseline, not alerts', () => {
    expect(run(helpDesk('desk', 3), { only }).alerts).toHaveLength(0);
    expect(run(helpDesk('desk', 3), { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  describe('an account new to an org with a baseline is judged against the org', () => {
    const newbie = (time: number, target: string) => imp(time, target, 'newbie');
    const at = T0 + 20 * DAY + 14 * HOUR;

    it('alerts at every sensitivity when nobody in the org impersonated in 30 days (Panther’s test event on a fresh install)', () => {
      for (const sensitivity of ['low', 'medium', 'high'] as const) {
        const { alerts } = run([...history('alice', P.london, T0, 20), newbie(at, 'bob')], { only, sensitivity });
        expect(alerts).toHaveLength(1);
        expect(alerts[0]!.facts).toMatchObject({ orgPrevious30d: 0 });
        expect(alerts[0]!.evidence.find((x) => x.label === 'Why unusual')!.value).toMatch(/^first impersonation in the org in 30 days, by an account new to the org/);
      }
    });

    it('in an org with a help desk: quiet at low and medium, reported at high, a 3-user spree always', () => {
      const events = [...helpDesk('desk', 20), newbie(at, 'bob')];
      expect(run(events, { only, sensitivity: 'low' }).alerts).toHaveLength(0);
      expect(run(events, { only, sensitivity: 'medium' }).alerts).toHaveLength(0);
      expect(run(events, { only, sensitivity: 'high' }).alerts.filter((a) => a.actor.id === 'acc-newbie')).toHaveLength(1);
      const spree = [newbie(at, 'x1'), newbie(at + 10 * MIN, 'x2'), newbie(at + 20 * MIN, 'x3')];
      const found = run([...helpDesk('desk', 20), ...spree], { only, sensitivity: 'medium' }).alerts;
      expect(found.map((a) => [a.actor.id, a.count])).toEqual([['acc-newbie', 3]]);
    });

    it('an org impersonation older than 30 days does not count', () => {
      const old = [imp(T0, 'z', 'desk'), ...history('alice', P.london, T0, 40)];
      expect(run([...old, newbie(T0 + 35 * DAY, 'bob')], { only }).alerts).toHaveLength(1);
      expect(run([...old, newbie(T0 + 20 * DAY, 'bob')], { only }).alerts).toHaveLength(0);
    });
  });

  it('deduplicates within the hour and recognises the display name', () => {
    const events = [...history('alice', P.london), imp(AFTER, 'bob'), imp(AFTER + 5 * MIN, 'bob')];
    const { alerts } = run(events, { only, sensitivity: 'high' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(2);
    const byName = ev({ time: AFTER, action: 'impersonation_v2', actionName: 'Logged in as user', target: 'bob', at: P.london });
    expect(run([...history('alice', P.london), byName], { only }).alerts).toHaveLength(1);
  });

  it('judges a late-processed impersonation by what came before it in time', () => {
    // The desk's routine arrives first; a late event from day 3 is not a "first" impersonation either.
    const routine = helpDesk('desk', 20);
    const late = imp(T0 + 12 * DAY + 13 * HOUR, 'late-user', 'desk');
    expect(runInArrivalOrder([...routine, late], { only })).toHaveLength(0);
    // Alice's first impersonation arrives late, after later unrelated activity: still alerts.
    const first = imp(AFTER, 'bob');
    expect(runInArrivalOrder([...history('alice', P.london), ev({ time: AFTER + 2 * HOUR, at: P.london }), first], { only })).toHaveLength(1);
  });
});
