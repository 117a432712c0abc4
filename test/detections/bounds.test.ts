// Per-actor structures are bounded and their windows linear: hostile volumes (one actor with 20,000 country
// names, 20,000 failed logins in an hour) neither grow the state without limit nor change what is found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ACTOR_COUNTRIES, MAX_ORG_COUNTRIES } from '../../src/detections/engine.js';
import { densestWindow } from '../../src/detections/lib/window.js';
import { AFTER, DAY, HOUR, P, T0, ev, history } from '../fixtures/event.js';
import { run } from './helpers.js';

/** The quadratic original, as the reference for the linear one. */
function naiveDensest<T extends { t: number }>(list: readonly T[], t: number, span: number, distinct?: (x: T) => string): T[] {
  let best: T[] = [];
  let bestScore = 0;
  for (let i = 0; i < list.length; i++) {
    const start = list[i]!.t;
    if (start < t - span) continue;
    if (start > t) break;
    const items: T[] = [];
    for (let j = i; j < list.length && list[j]!.t <= start + span; j++) items.push(list[j]!);
    const score = distinct ? new Set(items.map(distinct)).size : items.length;
    if (score > bestScore) {
      best = items;
      bestScore = score;
    }
  }
  return best;
}

describe('bounded state', () => {
  it('densestWindow (linear) finds exactly what the quadratic search found, with and without distinct keys', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(rnd() * 60);
      const list = Array.from({ length: n }, () => ({ t: Math.floor(rnd() * 500), k: String(Math.floor(rnd() * 6)) })).sort((a, b) => a.t - b.t);
      const t = Math.floor(rnd() * 520);
      const span = 1 + Math.floor(rnd() * 120);
      expect(densestWindow(list, t, span)).toEqual(naiveDensest(list, t, span));
      expect(densestWindow(list, t, span, (x) => x.k)).toEqual(naiveDensest(list, t, span, (x) => x.k));
    }
  });

  it('one actor with 20,000 distinct country names keeps at most the cap, the most recent ones', () => {
    const events = Array.from({ length: 20_000 }, (_, i) =>
      ev({ time: AFTER + i * 1_000, actor: 'mallory', at: { ...P.paris, countryCode: undefined as never, countryName: `land-${i}` } }),
    );
    const { state } = run(events, { only: ['infrequent-country', 'impossible-travel'] });
    const countries = Object.keys(state.actors.get('acc-mallory')!.countries);
    expect(countries).toHaveLength(MAX_ACTOR_COUNTRIES);
    expect(countries).toContain('land-19999');
    expect(countries).not.toContain('land-0');
    expect(Object.keys(state.org.countries).length).toBe(MAX_ORG_COUNTRIES);
    expect(JSON.stringify(state.actors.get('acc-mallory')).length).toBeLessThan(20_000);
  });

  it('20,000 failed logins in an hour: one alert, the state stays capped', () => {
    const fails = Array.from({ length: 20_000 }, (_, i) => ev({ time: AFTER + Math.floor((i * HOUR) / 20_000), actor: 'bob', action: 'user_login_failed', ip: '203.0.113.9' }));
    const { alerts, state } = run([...history('bob', P.berlin), ...fails], { only: ['failed-logins'] });
    expect(alerts.map((a) => a.detection)).toEqual(['failed-logins']);
    expect((state.actors.get('acc-bob')!.d['failed-logins'] as { fails: unknown[] }).fails.length).toBeLessThanOrEqual(500);
    expect(alerts[0]!.eventIds.length).toBeLessThanOrEqual(100);
  });

  it('the org baseline that new accounts are judged against keeps about a month of day figures, however long the org runs', () => {
    const days = 200;
    const events = Array.from({ length: days }, (_, d) => [
      ev({ time: T0 + d * DAY + 10 * HOUR, actor: `admin${d % 7}`, action: 'user_granted_role', at: P.london, target: 'x' }),
      ev({ time: T0 + d * DAY + 11 * HOUR, actor: `desk${d % 5}`, action: 'user_logged_in_as_user', at: P.london, target: `u${d}` }),
    ]).flat();
    const { state } = run(events, { only: ['unusual-admin', 'unusual-impersonation'] });
    for (const id of ['unusual-admin', 'unusual-impersonation']) {
      const kept = Object.keys(state.org.days![id]!).map(Number);
      expect(kept.length).toBeLessThanOrEqual(33);
      expect(Math.max(...kept)).toBe(Math.floor((T0 + (days - 1) * DAY) / DAY));
    }
    expect(Object.keys(state.org.days!).sort()).toEqual(['unusual-admin', 'unusual-impersonation']);
  });

  it('no source file spreads an array into Math.max / Math.min (a stack overflow past ~125,000 items)', () => {
    const root = path.join(import.meta.dirname, '../../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.ts') && /Math\.(max|min)\([^)]*\.\.\./.test(readFileSync(p, 'utf8'))) offenders.push(path.relative(root, p));
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
