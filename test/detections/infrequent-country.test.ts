import { describe, expect, it } from 'vitest';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, DAY, HOUR, P, T0, ev, history } from '../fixtures/event.js';

const only = ['infrequent-country'];
const base = history('alice', P.london);

describe('infrequent-country', () => {
  it('alerts on a country the user has not used, with the new country and the usual ones', () => {
    const { alerts } = run([...base, ev({ time: AFTER, at: P.lisbon })], { only });
    expect(alerts).toHaveLength(1);
    const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
    expect(e['New country']).toBe('Portugal (PT)');
    expect(e['Usual countries (30 d)']).toBe('GB');
    expect(e.Location).toBe('Lisbon, Portugal, 89.152.1.1');
    expect(e['Last used by the user']).toBe('never (in the baseline)');
    expect(alerts[0]!.facts).toMatchObject({ country: 'PT', usualCountries: ['GB'], orgKnown: false });
    // For the card's map: where the activity was, and the user's most recent other country with when it was last used.
    const lastGb = Math.max(...base.map((x) => x.time));
    expect(alerts[0]!.facts).toMatchObject({
      to: { lat: P.lisbon.lat, lon: P.lisbon.lon, cc: 'PT', place: 'Lisbon, Portugal', t: AFTER, rough: false },
      previous: { country: 'GB', at: lastGb },
    });
  });

  it('stays quiet for the home country, a missing location, and countries known by name only', () => {
    expect(run([...base, ev({ time: AFTER, at: P.manchester })], { only }).alerts).toHaveLength(0);
    expect(run([...base, ev({ time: AFTER, ip: '89.152.1.1' })], { only }).alerts).toHaveLength(0);
    // Without an ISO code (enrichment could not map the name) the name is the key: same country, no alert.
    const nameOnly = ev({ time: AFTER, at: P.london });
    delete nameOnly.location!.countryCode;
    const byName = history('carol', { ...P.london, countryCode: undefined as unknown as string }).map((e) => {
      delete e.location!.countryCode;
      return e;
    });
    expect(run([...byName, { ...nameOnly, actor: { id: 'acc-carol', email: 'carol@example.com' } }], { only }).alerts).toHaveLength(0);
  });

  it('medium remembers 30 days; high only 7', () => {
    const events = [...base, ...history('alice', P.lisbon, T0 + 2 * DAY, 1, 15), ev({ time: T0 + 20 * DAY, at: P.lisbon })];
    expect(run(events, { only, sensitivity: 'medium' }).alerts).toHaveLength(0);
    expect(run(events, { only, sensitivity: 'high' }).alerts).toHaveLength(1);
    // Beyond 30 days, even medium alerts again.
    const long = [...base, ...history('alice', P.london, T0 + 9 * DAY, 30), ...history('alice', P.lisbon, T0 + 2 * DAY, 1, 15), ev({ time: T0 + 35 * DAY, at: P.lisbon })];
    expect(run(long, { only, sensitivity: 'medium' }).alerts).toHaveLength(1);
  });

  it('low also requires the country to be new to the whole org', () => {
    const bobInPortugal = history('bob', P.lisbon);
    const events = [...base, ...bobInPortugal, ev({ time: AFTER, at: P.lisbon })];
    expect(run(events, { only, sensitivity: 'medium' }).alerts).toHaveLength(1);
    expect(run(events, { only, sensitivity: 'low' }).alerts).toHaveLength(0);
    expect(run([...base, ev({ time: AFTER, at: P.lisbon })], { only, sensitivity: 'low' }).alerts).toHaveLength(1);
  });

  it('only interactive activity from untrusted networks counts, and only interactive activity is learned', () => {
    expect(run([...base, ev({ time: AFTER, at: P.lisbon, token: true })], { only }).alerts).toHaveLength(0);
    expect(run([...base, ev({ time: AFTER, at: P.lisbon, intel: { trusted: true } })], { only }).alerts).toHaveLength(0);
    // A token job from Portugal does not make Portugal "usual": the first interactive use still alerts.
    const tokenJobs = history('alice', P.lisbon, T0, 9, 3).map((e) => ({ ...e, interactive: false, actor: { ...e.actor, token: { id: 't' } } }));
    expect(run([...base, ...tokenJobs, ev({ time: AFTER, at: P.lisbon })], { only }).alerts).toHaveLength(1);
  });

  it('honours user, IP and site exclusions', () => {
    const events = [...base, ev({ time: AFTER, at: P.lisbon, site: 'acme.atlassian.net' })];
    expect(run(events, { only, exclude: { users: ['acc-alice'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, exclude: { ips: ['89.152.0.0/16'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, exclude: { sites: ['acme.atlassian.net'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, exclude: { users: ['someone-else@example.com'] } }).alerts).toHaveLength(1);
  });

  it('learns for 7 days (org and user) but remembers countries seen while learning', () => {
    expect(run([ev({ time: T0, at: P.london }), ev({ time: T0 + 2 * DAY, at: P.lisbon })], { only }).alerts).toHaveLength(0);
    const newUser = [ev({ time: AFTER, actor: 'dan', at: P.london }), ev({ time: AFTER + DAY, actor: 'dan', at: P.lisbon })];
    expect(run([...base, ...newUser], { only }).alerts).toHaveLength(0);
    // After dan's learning Portugal is already known; Japan is not.
    const later = [ev({ time: AFTER + 9 * DAY, actor: 'dan', at: P.lisbon }), ev({ time: AFTER + 9 * DAY + 2 * HOUR, actor: 'dan', at: P.tokyo })];
    const { alerts } = run([...base, ...newUser, ...later], { only });
    expect(alerts.map((a) => a.facts.country)).toEqual(['JP']);
  });

  it('deduplicates per actor within 24 hours: a hop through two new countries is one alert', () => {
    const { alerts } = run([...base, ev({ time: AFTER, at: P.lisbon }), ev({ time: AFTER + 3 * HOUR, at: P.tokyo })], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(2);
    expect(alerts[0]!.facts.country).toBe('JP');
  });

  it('handles late events by their own time', () => {
    // A Portugal event from two days ago arrives after today's Portugal event: the country was known by then.
    const visit = ev({ time: AFTER - 2 * DAY, at: P.lisbon });
    const today = ev({ time: AFTER, at: P.lisbon });
    expect(runInArrivalOrder([...base, today, visit], { only })).toHaveLength(1);
    // A late event from a new country, arriving after newer home-country activity, still alerts.
    const late = ev({ time: AFTER + 10 * HOUR, at: P.tokyo });
    const alerts = runInArrivalOrder([...base, ev({ time: AFTER + 12 * HOUR, at: P.london }), late], { only });
    expect(alerts.map((a) => a.eventIds)).toEqual([[late.id]]);
  });
});
