import { describe, expect, it } from 'vitest';
import { TRAVEL_LEVELS } from '../../src/detections/impossible-travel.js';
import { ids, run, runInArrivalOrder } from './helpers.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history } from '../fixtures/event.js';

const only = ['impossible-travel'];
const base = history('alice', P.london);
const trip = (from: typeof P.london, to: typeof P.london, gapMs: number, extra: Partial<Parameters<typeof ev>[0]> = {}) => [
  ev({ time: AFTER + 9 * HOUR, at: from }),
  ev({ time: AFTER + 9 * HOUR + gapMs, at: to, ...extra }),
];

describe('impossible-travel', () => {
  it('alerts on London → Tokyo in 2 hours, with both places, distance, time and speed', () => {
    const { alerts } = run([...base, ...trip(P.london, P.tokyo, 2 * HOUR)], { only });
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.detection).toBe('impossible-travel');
    expect(a.actor.email).toBe('alice@example.com');
    const ev_ = Object.fromEntries(a.evidence.map((e) => [e.label, e.value]));
    expect(ev_.From).toContain('London, United Kingdom (81.2.69.10)');
    expect(ev_.To).toContain('Tokyo, Japan (126.0.1.1)');
    expect(ev_.Distance).toBe('9,559 km');
    expect(ev_['Time between']).toBe('2 h');
    expect(ev_['Implied speed']).toBe('4,779 km/h');
    expect(ev_['Usual countries (30 d)']).toBe('GB');
    expect(a.facts).toMatchObject({ distanceKm: 9559, minutes: 120, speedKmh: 4779 });
  });

  it('stays quiet for a real flight (London → New York in 10 hours) and for same-country jitter', () => {
    expect(run([...base, ...trip(P.london, P.newYork, 10 * HOUR)], { only }).alerts).toHaveLength(0);
    for (const sensitivity of ['low', 'medium', 'high'] as const)
      expect(run([...base, ...trip(P.london, P.manchester, 2 * MIN)], { only, sensitivity }).alerts).toHaveLength(0);
  });

  it('medium ignores bordering countries; high counts them (Berlin → Warsaw in 15 minutes)', () => {
    const events = [...history('alice', P.berlin), ...trip(P.berlin, P.warsaw, 15 * MIN)];
    expect(run(events, { only, sensitivity: 'medium' }).alerts).toHaveLength(0);
    expect(run(events, { only, sensitivity: 'high' }).alerts).toHaveLength(1);
    // Border commuters: Geneva ↔ Annemasse is 9 km — never, at any level.
    const commute = [...history('alice', P.geneva), ...trip(P.geneva, P.annemasse, 5 * MIN)];
    expect(run(commute, { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  it('applies each level’s distance and speed (London → Paris, 344 km, in 15 minutes)', () => {
    const events = [...base, ...trip(P.london, P.paris, 15 * MIN)];
    expect(TRAVEL_LEVELS.medium.minKm).toBe(500);
    expect(run(events, { only, sensitivity: 'low' }).alerts).toHaveLength(0);
    expect(run(events, { only, sensitivity: 'medium' }).alerts).toHaveLength(0);
    expect(run(events, { only, sensitivity: 'high' }).alerts).toHaveLength(1);
    // Speed threshold: London → Paris in 30 min is 688 km/h: under high's 800 km/h.
    expect(run([...base, ...trip(P.london, P.paris, 30 * MIN)], { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  it('low needs 1,000 km and 1,500 km/h and skips trips between two countries in the user’s baseline', () => {
    // London → New York (5,570 km) in 4 h = 1,393 km/h: medium alerts, low does not (under 1,500 km/h).
    const slowish = [...base, ...trip(P.london, P.newYork, 4 * HOUR)];
    expect(run(slowish, { only, sensitivity: 'medium' }).alerts).toHaveLength(1);
    expect(run(slowish, { only, sensitivity: 'low' }).alerts).toHaveLength(0);
    // Japan unknown: low alerts. Japan in the baseline (a trip last week): low stays quiet, medium alerts.
    const fast = trip(P.london, P.tokyo, 2 * HOUR);
    expect(run([...base, ...fast], { only, sensitivity: 'low' }).alerts).toHaveLength(1);
    const knowsJapan = [...base, ...history('alice', P.tokyo, T0 + 2 * DAY + 12 * HOUR, 2, 20)];
    expect(run([...knowsJapan, ...fast], { only, sensitivity: 'low' }).alerts).toHaveLength(0);
    expect(run([...knowsJapan, ...fast], { only, sensitivity: 'medium' }).alerts).toHaveLength(1);
  });

  it('trusted networks on both sides suppress; one trusted side does not', () => {
    const t = { trusted: true };
    const both = [ev({ time: AFTER, at: P.london, intel: t }), ev({ time: AFTER + HOUR, at: P.tokyo, intel: t })];
    expect(run([...base, ...both], { only }).alerts).toHaveLength(0);
    const one = [ev({ time: AFTER, at: P.london, intel: t }), ev({ time: AFTER + HOUR, at: P.tokyo })];
    expect(run([...base, ...one], { only }).alerts).toHaveLength(1);
  });

  it('the same IP on both sides is a geolocation change, not travel', () => {
    const events = [...base, ...trip(P.london, P.tokyo, HOUR, { ip: P.london.ip })];
    expect(run(events, { only }).alerts).toHaveLength(0);
  });

  it('only interactive activity counts: API tokens, the system actor and failed logins are ignored', () => {
    expect(run([...base, ...trip(P.london, P.tokyo, HOUR, { token: true })], { only }).alerts).toHaveLength(0);
    expect(run([...base, ...trip(P.london, P.tokyo, HOUR, { action: 'user_login_failed', interactive: false })], { only }).alerts).toHaveLength(0);
  });

  it('honours user, IP and site exclusions', () => {
    const events = [...base, ...trip(P.london, P.tokyo, HOUR, { site: 'sandbox.atlassian.net' })];
    expect(run(events, { only }).alerts).toHaveLength(1);
    expect(run(events, { only, exclude: { users: ['ALICE@example.com'] } }).alerts).toHaveLength(0);
    expect(run(events, { only, overrides: { 'impossible-travel': { excludeIps: ['126.0.0.0/16'] } } }).alerts).toHaveLength(0);
    expect(run(events, { only, overrides: { 'impossible-travel': { excludeSites: ['sandbox.atlassian.net'] } } }).alerts).toHaveLength(0);
    expect(run(events, { only, overrides: { 'impossible-travel': { enabled: false } } }).alerts).toHaveLength(0);
    // An excluded IP on either end suppresses the trip, even when the other end's event arrives last.
    const late = [ev({ time: AFTER + 9 * HOUR + HOUR, at: P.tokyo }), ev({ time: AFTER + 9 * HOUR, at: P.london })];
    expect(runInArrivalOrder([...base, ...late], { only }).length).toBe(1);
    expect(runInArrivalOrder([...base, ...late], { only, exclude: { ips: ['126.0.0.0/16'] } })).toHaveLength(0);
  });

  it('learns for 7 days: a new org, then a new user in an old org, raise nothing', () => {
    expect(run(trip(P.london, P.tokyo, HOUR), { only }).alerts).toHaveLength(0);
    const newUser = [ev({ time: AFTER + 8 * HOUR, actor: 'bob', at: P.london }), ev({ time: AFTER + 9 * HOUR, actor: 'bob', at: P.tokyo })];
    expect(run([...base, ...newUser], { only }).alerts).toHaveLength(0);
    // Eight days later the same trip by bob alerts.
    const later = newUser.map((e) => ev({ time: e.time + 8 * DAY, actor: 'bob', at: e.location!.city === 'Tokyo' ? P.tokyo : P.london }));
    expect(ids(run([...base, ...newUser, ...later], { only }).alerts, 'impossible-travel')).toHaveLength(1);
  });

  it('deduplicates: a session bouncing London ↔ Tokyo for hours is one growing alert', () => {
    const bounce = [0, 1, 2, 3, 4].map((i) => ev({ time: AFTER + i * HOUR, at: i % 2 ? P.tokyo : P.london }));
    const { alerts } = run([...base, ...bounce], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(5);
    expect(alerts[0]!.revision).toBe(4);
    // A trip two days later is a new alert.
    const again = trip(P.london, P.tokyo, HOUR).map((e) => ({ ...e, id: `${e.id}-later`, time: e.time + 2 * DAY }));
    expect(run([...base, ...bounce, ...again], { only }).alerts).toHaveLength(2);
  });

  it('places a late-processed event by its own time and checks both neighbours', () => {
    // London 09:00 and 13:00 arrive first; a Tokyo event from 11:00 is processed hours later.
    const london9 = ev({ time: AFTER + 9 * HOUR, at: P.london });
    const london13 = ev({ time: AFTER + 13 * HOUR, at: P.london });
    const tokyo11 = ev({ time: AFTER + 11 * HOUR, at: P.tokyo });
    const alerts = runInArrivalOrder([...base, london9, london13, tokyo11], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.eventIds.sort()).toEqual([london9.id, london13.id, tokyo11.id].sort());
    expect(alerts[0]!.firstSeen).toBe(london9.time);
    expect(alerts[0]!.lastSeen).toBe(london13.time);
  });
});

describe('impossible-travel state', () => {
  it('stays small for a busy user and still catches a late event inside a collapsed run', () => {
    const busy = Array.from({ length: 60 }, (_, i) => ev({ time: AFTER + i * 5 * MIN, at: P.london }));
    const { state } = run([...base, ...busy], { only });
    const pts = (state.actors.get('acc-alice')!.d['impossible-travel'] as { pts: unknown[] }).pts;
    expect(pts.length).toBeLessThan(12);
    const late = ev({ time: AFTER + 100 * MIN, at: P.tokyo });
    const alerts = runInArrivalOrder([late], { only, state });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.facts.minutes).toBeLessThanOrEqual(120);
  });
});
