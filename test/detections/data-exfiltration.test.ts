import { describe, expect, it } from 'vitest';
import { BULK_WEIGHT, EXFIL_LEVELS, MAX_IDS, baseline } from '../../src/detections/data-exfiltration.js';
import type { NormalizedEvent } from '../../src/domain/index.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history } from '../fixtures/event.js';
import { run, runInArrivalOrder } from './helpers.js';

const only = ['data-exfiltration'];
const SENS = ['low', 'medium', 'high'] as const;
type Sens = (typeof SENS)[number];

/** `n` events of `action` by `actor` from `start`, one every `every` ms. */
function many(n: number, start: number, every: number, action = 'page_exported', actor = 'alice', extra: Partial<Parameters<typeof ev>[0]> = {}): NormalizedEvent[] {
  return Array.from({ length: n }, (_, i) => ev({ time: start + i * every, actor, action, at: P.london, ...extra }));
}
const withToken = (e: NormalizedEvent, id = 'tok-backup', label = 'nightly-backup'): NormalizedEvent => ({ ...e, interactive: false, actor: { ...e.actor, token: { id, label } } });

/** Alice's ordinary month: signs in daily and exports a single page now and then. */
const ordinary = () => [...history('alice', P.london, T0, 10), ...[1, 4, 8].map((d) => ev({ time: T0 + d * DAY + 11 * HOUR, action: 'page_exported', at: P.london }))];
const alerts = (events: NormalizedEvent[], sensitivity: Sens) => run(events, { only, sensitivity }).alerts;
const fires = (events: NormalizedEvent[]) => SENS.filter((s) => alerts(events, s).length > 0);

describe('data-exfiltration', () => {
  it('burst: 30 page exports in 12 minutes by a person who exports a page a week fires at medium and high; low needs 40', () => {
    const events = [...ordinary(), ...many(30, AFTER, 24_000)];
    expect(fires(events)).toEqual(['medium', 'high']);
    const a = alerts(events, 'medium')[0]!;
    expect(a.title).toBe('alice@example.com: burst: 30 exports in 60 min');
    const e = Object.fromEntries(a.evidence.map((x) => [x.label, x.value]));
    expect(e['Exports (60 min)']).toBe('30');
    expect(e['Baseline (30 d)']).toMatch(/^busiest hour 1, busiest day 1, whole-space\/site exports 0/);
    expect(e.What).toBe('page_exported ×30');
    expect(a.count).toBe(30);
    expect(fires([...ordinary(), ...many(45, AFTER, 20_000)])).toEqual(['low', 'medium', 'high']);
  });

  it('drip: 90 exports spread over 9 hours (10 an hour) fires at medium and high as a drip; low needs 100 a day', () => {
    const events = [...ordinary(), ...many(90, AFTER, 6 * MIN)];
    expect(fires(events)).toEqual(['medium', 'high']);
    const a = alerts(events, 'medium')[0]!;
    expect(a.title).toBe('alice@example.com: drip: 90 exports in 24 h');
    expect(a.facts.exports60m).toBeLessThan(EXFIL_LEVELS.medium.burst);
    expect(fires([...ordinary(), ...many(110, AFTER, 6 * MIN)])).toEqual(['low', 'medium', 'high']);
  });

  it('60 attachment downloads in 20 minutes count like exports', () => {
    const events = [...ordinary(), ...many(60, AFTER, 20_000, 'attachment_downloaded')];
    expect(fires(events)).toEqual(['low', 'medium', 'high']);
    const byName = many(25, AFTER, 30_000, 'unmapped_key', 'alice', { actionName: 'Downloaded attachment' });
    expect(fires([...ordinary(), ...byName])).toEqual(['medium', 'high']);
  });

  it("a person's first whole-space export fires at medium and high; three in a day fire at low too", () => {
    const one = [...ordinary(), ...many(1, AFTER, MIN, 'space_exported')];
    expect(fires(one)).toEqual(['medium', 'high']);
    expect(alerts(one, 'medium')[0]!.title).toBe('alice@example.com: 1 whole-space/site export in 24 h');
    const three = [...ordinary(), ...many(3, AFTER, 20 * MIN, 'unmapped', 'alice', { actionName: 'Exported space' })];
    expect(fires(three)).toEqual(['low', 'medium', 'high']);
    expect(alerts(three, 'low')[0]!.facts).toMatchObject({ bulk24h: 3 });
  });

  it('a nightly backup token is its own normal at every sensitivity; its owner is judged on their own', () => {
    const nights = Array.from({ length: 20 }, (_, d) => [
      withToken(ev({ time: T0 + d * DAY + HOUR, actor: 'alice', action: 'space_exported', at: P.newYork, ip: '52.4.1.1' })),
      ...many(120 + (d % 4) * 20, T0 + d * DAY + HOUR + MIN, 18_000, 'page_exported', 'alice', { at: P.newYork, ip: '52.4.1.1' }).map((e) => withToken(e)),
    ]).flat();
    expect(fires([...ordinary(), ...nights])).toEqual([]);
    // The person behind the token exports a space by hand: their first.
    const mine = [...ordinary(), ...nights, ...many(1, AFTER + 5 * DAY + 14 * HOUR, MIN, 'space_exported')];
    const a = alerts(mine, 'medium');
    expect(a).toHaveLength(1);
    expect(a[0]!.facts.machine).toBeUndefined();
    // The backup volume from a person who never exported is not normal.
    const person = [...ordinary(), ...many(150, AFTER, 18_000)];
    expect(fires(person)).toEqual(['low', 'medium', 'high']);
    // A new token doing the same on its first night is named as the token.
    const fresh = [...ordinary(), ...many(150, AFTER, 18_000).map((e) => withToken(e, 'tok-new', 'grab'))];
    const t = alerts(fresh, 'medium')[0]!;
    expect(t.title).toContain('alice@example.com with API token grab (tok-new)');
    expect(t.facts.machine).toBe('token:tok-new');
  });

  it('a heavy exporter is judged against their own busiest hour and day', () => {
    const workdays = Array.from({ length: 12 }, (_, d) => many(25, T0 + d * DAY + 9 * HOUR, 2 * MIN)).flat();
    expect(fires([...history('alice', P.london, T0, 10), ...workdays])).toEqual([]);
    // Four times their usual hour is a burst even for them.
    expect(fires([...history('alice', P.london, T0, 10), ...workdays, ...many(100, AFTER + 5 * DAY, 30_000)])).toEqual(['medium', 'high']);
  });

  it('stays quiet below the thresholds and for people exporting the odd page', () => {
    for (const s of SENS) {
      expect(alerts([...ordinary(), ...many(9, AFTER, MIN)], s), s).toHaveLength(0);
      expect(alerts([...ordinary(), ...many(3, AFTER, HOUR)], s), s).toHaveLength(0);
    }
    expect(alerts([...ordinary(), ...many(19, AFTER, 20_000)], 'medium')).toHaveLength(0);
  });

  it('raises nothing while learning, for excluded users, IPs and sites; can be disabled', () => {
    expect(run(many(60, T0 + DAY, 10_000), { only }).alerts).toHaveLength(0);
    const hit = [...ordinary(), ...many(40, AFTER, 10_000, 'page_exported', 'alice', { site: 'acme.atlassian.net' })];
    expect(run(hit, { only }).alerts).toHaveLength(1);
    expect(run(hit, { only, exclude: { users: ['acc-alice'] } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'data-exfiltration': { excludeIps: ['81.2.0.0/16'] } } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'data-exfiltration': { excludeSites: ['acme.atlassian.net'] } } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'data-exfiltration': { enabled: false } } }).alerts).toHaveLength(0);
  });

  it('an account new to an org with a baseline is judged against the org floor in its first week, not ignored', () => {
    // Alice's ordinary month makes the org's baseline; Mallory is first seen 2 days before her exports.
    const start = T0 + 20 * DAY;
    const org = [...history('alice', P.london, T0, 22)];
    const mallory = (n: number, action = 'page_exported') => [ev({ time: start - 2 * DAY, actor: 'mallory', at: P.london }), ...many(n, start, 20_000, action, 'mallory')];
    const firesFor = (events: NormalizedEvent[]) => SENS.filter((s) => run([...org, ...events], { only, sensitivity: s }).alerts.length > 0);
    expect(firesFor(mallory(30))).toEqual(['medium', 'high']);
    expect(firesFor(mallory(45))).toEqual(['low', 'medium', 'high']);
    expect(firesFor(mallory(5))).toEqual([]);
    const a = run([...org, ...mallory(30)], { only }).alerts[0]!;
    expect(a.actor.email).toBe('mallory@example.com');
    // The org's own first week is still learning: the same burst on day 2 of a new install raises nothing.
    expect(run([ev({ time: T0, actor: 'mallory', at: P.london }), ...many(45, T0 + 2 * DAY, 20_000, 'page_exported', 'mallory')], { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  it('one growing alert per actor; late exports join it', () => {
    const burst = many(30, AFTER, 24_000);
    const late = burst.splice(5, 3);
    const got = runInArrivalOrder([...ordinary(), ...burst, ...late], { only });
    expect(got).toHaveLength(1);
    expect(got[0]!.count).toBe(30);
    expect(got[0]!.firstSeen).toBe(AFTER);
  });

  it('state stays bounded: 20,000 exports over 40 days keep at most 26 h of buckets, 31 days of hours and the newest ids', () => {
    const flood = Array.from({ length: 20_000 }, (_, i) => ev({ time: T0 + Math.floor((i * 40 * DAY) / 20_000), action: i % 50 ? 'page_exported' : 'space_exported', at: P.london }));
    const { state, alerts: got } = run(flood, { only });
    const s = state.actors.get('acc-alice')!.d['data-exfiltration'] as { r: unknown[]; h: unknown[]; e: unknown[] };
    expect(s.r.length).toBeLessThanOrEqual(157);
    expect(s.h.length).toBeLessThanOrEqual(31 * 24 + 1);
    expect(s.e.length).toBeLessThanOrEqual(MAX_IDS);
    expect(got.every((a) => a.eventIds.length <= 100)).toBe(true);
    // The same, steady every day: the baseline learns it, so there is no alert after learning.
    expect(got).toHaveLength(0);
  });

  it('baseline: busiest two adjacent hours, busiest 24 hours, whole-space exports weighted', () => {
    const b = baseline(
      [
        [100, 5, 0],
        [101, 7, 1],
        [110, 2, 0],
        [130, 1, 0],
      ],
      200,
    );
    expect(b).toEqual({ hour: 5 + 7 + (BULK_WEIGHT - 1), day: 5 + 7 + (BULK_WEIGHT - 1) + 2, bulkDay: 1, bulk: 1 });
    expect(baseline([[100, 5, 0]], 100)).toEqual({ hour: 0, day: 0, bulkDay: 0, bulk: 0 });
  });
});
