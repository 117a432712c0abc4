import { describe, expect, it } from 'vitest';
import { reviveEngineState, serializeEngineState } from '../../src/detections/engine.js';
import { TRAVEL_LEVELS } from '../../src/detections/impossible-travel.js';
import { MAX_PLACES, USUAL_MIN_DAYS } from '../../src/detections/lib/places.js';
import { ids, run, runInArrivalOrder } from './helpers.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history, type Place } from '../fixtures/event.js';

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
    expect(ev_['Countries used (30 d)']).toBe('GB');
    expect(ev_['Usual places (30 d)']).toBe('GB 81.2.69.0/24 (9 d); not usual: Tokyo, Japan (JP 126.0.1.0/24)');
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

// One ISP geolocates a user's IPv6 in Hong Kong and their IPv4 in Singapore (2,590 km apart), minutes apart.
const HK: Place = { city: 'Hong Kong', countryName: 'Hong Kong', countryCode: 'HK', lat: 22.32, lon: 114.17, ip: '2403:6200:8821:4a::1' };
const SG: Place = { city: 'Singapore', countryName: 'Singapore', countryCode: 'SG', lat: 1.29, lon: 103.85, ip: '118.189.12.34' };
/** Every workday of `days` from `from`: HK (IPv6, interface ids vary in the /48), SG (IPv4, the /24's hosts vary). */
function commuter(from: number, days: number, actor = 'mei') {
  return Array.from({ length: days }, (_, d) => d).flatMap((d) => {
    if ([5, 6].includes(new Date(from + d * DAY).getUTCDay() === 0 ? 6 : new Date(from + d * DAY).getUTCDay() - 1)) return [];
    return [1, 1.4, 3, 6, 8.5].map((h, i) => {
      const at = i % 2 ? SG : HK;
      const ip = i % 2 ? `118.189.12.${10 + ((d * 7 + i) % 200)}` : `2403:6200:8821:${(d + i).toString(16)}::${i + 1}`;
      return ev({ time: from + d * DAY + h * HOUR, actor, at, ip });
    });
  });
}
const travelOf = (alerts: ReturnType<typeof run>['alerts']) => ids(alerts, 'impossible-travel');
type TravelStateShape = { pts: unknown[]; places: Record<string, [number, number]> };
const travelState = (state: ReturnType<typeof run>['state'], actor = 'acc-mei') => state.actors.get(actor)!.d['impossible-travel'] as TravelStateShape;

describe('impossible-travel: usual places', () => {
  const month = commuter(T0, 30);

  it('medium: the HK/SG IPv6/IPv4 commuter raises nothing in a month; high alerts every working week', () => {
    expect(month.length).toBeGreaterThan(100);
    expect(travelOf(run(month, { only, sensitivity: 'medium' }).alerts)).toHaveLength(0);
    expect(travelOf(run(month, { only, sensitivity: 'low' }).alerts)).toHaveLength(0);
    const high = travelOf(run(month, { only, sensitivity: 'high' }).alerts);
    // Trips on consecutive workdays grow one alert (24 h dedup window): one per working week after learning.
    expect(high.length).toBeGreaterThanOrEqual(3);
    expect(high.reduce((n, a) => n + a.count, 0)).toBeGreaterThan(50);
    const usual = high.at(-1)!.evidence.find((e) => e.label === 'Usual places (30 d)')!.value;
    expect(usual).toMatch(/^(HK 2403:6200:8821::\/48|SG 118\.189\.12\.0\/24) \(\d+ d\), (HK|SG) .+; both sides usual \(high sensitivity alerts anyway\)$/);
  });

  it('medium: the same commuter then active from Brazil alerts, naming the usual places and the unusual side', () => {
    const t = T0 + 29 * DAY; // a Tuesday
    const brazil = ev({ time: t + 12 * HOUR, actor: 'mei', at: P.saoPaulo });
    const alerts = travelOf(run([...month, brazil], { only, sensitivity: 'medium' }).alerts);
    expect(alerts).toHaveLength(1);
    const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
    expect(e.To).toContain('São Paulo, Brazil');
    expect(e['Usual places (30 d)']).toMatch(/^(HK|SG) .*\(\d+ d\), (HK|SG) .*\(\d+ d\); not usual: São Paulo, Brazil \(BR 177\.32\.1\.0\/24\)$/);
    expect(alerts[0]!.facts.usualPlaces).toHaveLength(2);
  });

  it(`a country used on fewer than ${USUAL_MIN_DAYS} earlier days is not usual: medium alerts; from ${USUAL_MIN_DAYS} days on it is`, () => {
    const fast = trip(P.london, P.tokyo, 2 * HOUR); // AFTER + 9 h: London, then Tokyo 2 h later
    const tokyoDays = (n: number) => history('alice', P.tokyo, AFTER - 7 * DAY, n, 20);
    expect(USUAL_MIN_DAYS).toBe(3);
    for (const n of [1, 2]) {
      const alerts = travelOf(run([...base, ...tokyoDays(n), ...fast], { only, sensitivity: 'medium' }).alerts);
      expect(alerts, `Tokyo on ${n} day(s)`).toHaveLength(1);
      expect(alerts[0]!.evidence.find((x) => x.label === 'Usual places (30 d)')!.value).toBe('GB 81.2.69.0/24 (9 d); not usual: Tokyo, Japan (JP 126.0.1.0/24)');
    }
    expect(travelOf(run([...base, ...tokyoDays(3), ...fast], { only, sensitivity: 'medium' }).alerts)).toHaveLength(0);
    // Low already skips a country used once; high alerts even for a usual place.
    expect(travelOf(run([...base, ...tokyoDays(1), ...fast], { only, sensitivity: 'low' }).alerts)).toHaveLength(0);
    expect(travelOf(run([...base, ...tokyoDays(3), ...trip(P.london, P.tokyo, 30 * MIN)], { only, sensitivity: 'high' }).alerts)).toHaveLength(1);
  });

  it('a usual country from a network the user never used is not a usual place (an attacker in the country they commute to)', () => {
    const tokyoDays = history('alice', P.tokyo, AFTER - 7 * DAY, 5, 20);
    const attacker = trip(P.london, P.tokyo, 2 * HOUR, { ip: '126.0.99.12' });
    const alerts = travelOf(run([...base, ...tokyoDays, ...attacker], { only, sensitivity: 'medium' }).alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence.find((x) => x.label === 'Usual places (30 d)')!.value).toMatch(/; not usual: Tokyo, Japan \(JP 126\.0\.99\.0\/24\)$/);
  });

  it('days older than the 30-day baseline do not count, and the day judged is not its own baseline', () => {
    // Tokyo on 3 days ending 32 days before the trip: not usual any more.
    const old = history('alice', P.tokyo, AFTER - 34 * DAY, 3, 20);
    const recent = history('alice', P.london, AFTER - 34 * DAY, 34, 9);
    expect(travelOf(run([...recent, ...old, ...trip(P.london, P.tokyo, 2 * HOUR)], { only }).alerts)).toHaveLength(1);
    // Tokyo on 2 earlier days plus the trip's own day is not 3 days of baseline.
    const sameDay = [...history('alice', P.tokyo, AFTER - 2 * DAY, 2, 20), ...[1, 2, 3].map((h) => ev({ time: AFTER + h * HOUR, at: P.tokyo }))];
    const late = [ev({ time: AFTER + 12 * HOUR, at: P.london }), ev({ time: AFTER + 13 * HOUR, at: P.tokyo })];
    expect(travelOf(run([...base, ...sameDay, ...late], { only }).alerts).length).toBeGreaterThan(0);
  });
});

describe('impossible-travel: usual places state', () => {
  it('stays under its caps for a user in hundreds of countries and networks over months, and keeps the usual ones', () => {
    const countries = Array.from({ length: 300 }, (_, i) => ({
      city: `City ${i}`, countryName: `Country ${i}`, countryCode: `X${i}`, lat: ((i * 37) % 140) - 70, lon: ((i * 53) % 340) - 170, ip: `10.${i % 250}.${(i * 7) % 250}.9`,
    }));
    const days = 120;
    const noise = Array.from({ length: days * 3 }, (_, k) => ev({ time: T0 + Math.floor(k / 3) * DAY + (12 + (k % 3)) * HOUR, actor: 'mei', at: countries[k % countries.length]! }));
    const { state } = run([...commuter(T0, days), ...noise], { only, sensitivity: 'medium' });
    const s = travelState(state);
    expect(Object.keys(s.places).length).toBeLessThanOrEqual(MAX_PLACES);
    expect(s.pts.length).toBeLessThanOrEqual(24);
    expect(Object.keys(state.actors.get('acc-mei')!.countries).length).toBeLessThanOrEqual(64);
    for (const [k, [day, mask]] of Object.entries(s.places)) {
      expect(k.length).toBeLessThan(80);
      expect(Number.isInteger(day) && mask >= 0 && mask <= 0x7fffffff).toBe(true);
    }
    // The commuter's two places are still known as usual after all that churn.
    expect(Object.keys(s.places)).toEqual(expect.arrayContaining(['HK 2403:6200:8821::/48', 'SG 118.189.12.0/24']));
    const serialized = JSON.stringify(serializeEngineState(state));
    expect(serialized.length).toBeLessThan(20_000);
  });

  it('survives a JSON round trip and an older state without usual places', () => {
    const month = commuter(T0, 30);
    const half = month.filter((e) => e.time < T0 + 15 * DAY);
    const rest = month.filter((e) => e.time >= T0 + 15 * DAY);
    const first = run(half, { only });
    const revived = reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(first.state))))!;
    expect(travelState(revived).places).toEqual(JSON.parse(JSON.stringify(travelState(first.state).places)));
    expect(travelOf(run(rest, { only, state: revived }).alerts)).toHaveLength(0);
    // A state saved before usual places existed has none: the commuter is judged strictly until places are learned.
    const older = reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(first.state))))!;
    delete (older.actors.get('acc-mei')!.d['impossible-travel'] as Partial<TravelStateShape>).places;
    const after = run(rest, { only, state: older });
    expect(travelOf(after.alerts).length).toBeGreaterThan(0);
    expect(Object.keys(travelState(after.state).places)).toHaveLength(2);
    // And a place key "__proto__" (a country name from outside) is an ordinary key.
    const odd = ev({ time: AFTER, actor: 'mei', at: { ...P.london, countryName: '__proto__' }, ip: 'not-an-ip' });
    delete (odd.location as { countryCode?: string }).countryCode;
    const r = run([odd], { only, state: revived });
    expect(Object.keys(travelState(r.state).places)).toContain('__proto__');
    expect(JSON.stringify(serializeEngineState(r.state))).toContain('__proto__');
  });
});
