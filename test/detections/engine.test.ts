import { describe, expect, it } from 'vitest';
import { configureDetections } from '../../src/detections/configure.js';
import { applyChanges, evaluateBatch, initialEngineState, reviveEngineState, runDetections, serializeEngineState, type EngineState } from '../../src/detections/engine.js';
import { createSettingsResolver } from '../../src/detections/settings.js';
import { AFTER, DAY, HOUR, P, T0, ev, history } from '../fixtures/event.js';

const opts = configureDetections({ sensitivity: 'medium' });
const month = () => [
  ...history('alice', P.london, T0, 20),
  ...history('bob', P.berlin, T0, 20),
  ev({ time: AFTER, actor: 'alice', at: P.tokyo }),
  ev({ time: AFTER + HOUR, actor: 'bob', at: P.berlin, intel: { anonymous: ['tor'] } }),
  ...Array.from({ length: 12 }, (_, i) => ev({ time: AFTER + 2 * HOUR + i * 20_000, actor: 'bob', action: 'user_login_failed', interactive: false })),
];

describe('engine', () => {
  it('never modifies the state it is given (copy on write)', () => {
    const events = month();
    const first = runDetections(events.slice(0, 20), initialEngineState(), opts).state;
    const frozen = JSON.stringify(first);
    const a = runDetections(events.slice(20), first, opts);
    expect(JSON.stringify(first)).toBe(frozen);
    // Running the same batch on the same prior state again gives the same result.
    const b = runDetections(events.slice(20), first, opts);
    expect(b.alerts).toEqual(a.alerts);
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
  });

  it('gives the same alerts whether events come in one batch, many batches or through a JSON round-trip', () => {
    const events = month().sort((x, y) => x.time - y.time);
    const whole = runDetections(events, initialEngineState(), opts).alerts;
    expect(whole.map((a) => a.detection).sort()).toEqual(['anonymous-ip', 'failed-logins', 'impossible-travel', 'infrequent-country']);
    let state: EngineState = initialEngineState();
    const final = new Map<string, unknown>();
    for (let i = 0; i < events.length; i += 7) {
      const r = runDetections(events.slice(i, i + 7), reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(state))))!, opts);
      state = r.state;
      for (const a of r.alerts) final.set(a.id, a);
    }
    expect([...final.values()]).toEqual(whole);
  });

  it('in place (replay) gives the same alerts and state as copy on write, and changes the state it is given', () => {
    const events = month().sort((x, y) => x.time - y.time);
    let copied: EngineState = initialEngineState();
    const inPlace: EngineState = initialEngineState();
    const alertsCopied: unknown[] = [];
    const alertsInPlace: unknown[] = [];
    for (let i = 0; i < events.length; i += 5) {
      const batch = events.slice(i, i + 5);
      const c = runDetections(batch, copied, opts);
      copied = c.state;
      alertsCopied.push(...c.alerts);
      const before = JSON.stringify(serializeEngineState(inPlace));
      const r = evaluateBatch(batch, inPlace, opts, { inPlace: true });
      // The records it returns as changed are the ones already in the state (no copies made).
      for (const [id, rec] of r.changes.actors) if (inPlace.actors.has(id)) expect(rec).toBe(inPlace.actors.get(id));
      applyChanges(inPlace, r.changes);
      alertsInPlace.push(...r.alerts);
      if (i === 20) expect(JSON.stringify(serializeEngineState(inPlace))).not.toBe(before);
    }
    expect(alertsInPlace).toEqual(alertsCopied);
    expect(alertsInPlace.length).toBeGreaterThan(3);
    expect(JSON.stringify(serializeEngineState(inPlace))).toBe(JSON.stringify(serializeEngineState(copied)));
  });

  it('derives alert ids from detection, group and first event time (re-processing yields the same id)', () => {
    const a = runDetections(month(), initialEngineState(), opts).alerts;
    const b = runDetections(month(), initialEngineState(), opts).alerts;
    expect(a.map((x) => x.id)).toEqual(b.map((x) => x.id));
    expect(new Set(a.map((x) => x.id)).size).toBe(a.length);
  });

  it('reports an alert only when it changes, bumping its revision', () => {
    const e = ev({ time: AFTER, at: P.berlin, intel: { anonymous: ['tor'] } });
    const r1 = runDetections([e], initialEngineState(), opts);
    expect(r1.alerts.map((a) => a.revision)).toEqual([1]);
    const r2 = runDetections([e], r1.state, opts); // the same event again (e.g. an overlap re-read)
    expect(r2.alerts).toEqual([]);
    const r3 = runDetections([ev({ time: AFTER + HOUR, at: P.berlin, intel: { anonymous: ['tor'] } })], r2.state, opts);
    expect(r3.alerts.map((a) => [a.id, a.revision, a.count])).toEqual([[r1.alerts[0]!.id, 2, 2]]);
  });

  it('revives only its own state shape', () => {
    expect(reviveEngineState(undefined)).toBeUndefined();
    expect(reviveEngineState({ version: 1, now: 0, open: {}, detections: {} })).toBeUndefined();
    expect(reviveEngineState({ version: 2, now: 'x' })).toBeUndefined();
    expect(reviveEngineState({ version: 3, org: { now: 'x' }, actors: {}, keyed: {} })).toBeUndefined();
    const s = runDetections(month(), initialEngineState(), opts).state;
    expect(reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(s))))).toEqual(s);
  });

  it('forgets what no baseline needs: idle users’ detection state, old countries and old open alerts', () => {
    const early = runDetections(month(), initialEngineState(), opts).state;
    const openOf = (s: EngineState) => [...s.actors.values()].flatMap((a) => Object.keys(a.open));
    expect(openOf(early).length).toBeGreaterThan(0);
    const alice = early.actors.get('acc-alice')!;
    expect(Object.keys(alice.countries).length).toBeGreaterThan(0);
    // 45 days later carol acts: the org's old countries go; alice's record is untouched until she acts again.
    const later = runDetections([ev({ time: AFTER + 45 * DAY, actor: 'carol', at: P.paris })], early, opts).state;
    expect(Object.keys(later.org.countries)).toEqual(['FR']);
    expect(Object.keys(later.actors.get('acc-carol')!.open)).toEqual([]);
    // When alice comes back after more than the baseline, her old baseline is forgotten; her first-seen stays.
    const back = runDetections([ev({ time: AFTER + 46 * DAY, actor: 'alice', at: P.paris })], later, opts).state.actors.get('acc-alice')!;
    expect(back.first).toBe(alice.first);
    expect(Object.keys(back.countries)).toEqual(['FR']);
    // Her old open alerts are gone; only what this event opened is there.
    expect(Object.values(alice.open).length).toBeGreaterThan(0);
    expect(Object.values(back.open).every((o) => o.firstSeen === AFTER + 46 * DAY)).toBe(true);
  });

  it('resolves settings: global defaults, per-detection overrides, additive exclusions', () => {
    const s = createSettingsResolver({
      sensitivity: 'low',
      excludeUsers: ['a'],
      excludeIps: ['10.0.0.0/8'],
      overrides: { 'impossible-travel': { sensitivity: 'high', excludeUsers: ['b'] }, 'anonymous-ip': { enabled: false } },
      compileIps: (l) => (ip) => l.includes('10.0.0.0/8') && ip.startsWith('10.'),
    });
    expect(s('impossible-travel')).toMatchObject({ enabled: true, sensitivity: 'high', excludeUsers: ['a', 'b'] });
    expect(s('anonymous-ip').enabled).toBe(false);
    expect(s('failed-logins').sensitivity).toBe('low');
    expect(s('failed-logins').excludeIp!('10.1.2.3')).toBe(true);
  });
});
