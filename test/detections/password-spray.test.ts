import { describe, expect, it } from 'vitest';
import { configureDetections } from '../../src/detections/configure.js';
import { initialEngineState, reviveEngineState, runDetections, serializeEngineState, type EngineState } from '../../src/detections/engine.js';
import { PASSWORD_SPRAY_THRESHOLDS } from '../../src/detections/password-spray.js';
import type { Alert } from '../../src/domain/index.js';
import { run } from './helpers.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev } from '../fixtures/event.js';

const only = ['password-spray'];
const IP = '105.112.33.7';
const fail = (time: number, actor: string, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  ev({ time, actor, action: 'user_login_failed', interactive: false, at: P.saoPaulo, ip: IP, ...extra });
/** `n` different accounts failing once each from one IP, `every` apart. */
const spray = (n: number, start = AFTER, every = 200_000, extra: Partial<Parameters<typeof ev>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => fail(start + i * every, `victim${i}`, extra));
const evidence = (a: Alert) => Object.fromEntries(a.evidence.map((x) => [x.label, x.value]));

describe('password-spray', () => {
  it('one IP failing against 12 accounts once each within 40 minutes: one alert about the IP, listing the accounts', () => {
    const { alerts } = run(spray(12), { only });
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.actor).toEqual({ id: `ip:${IP}`, name: IP });
    expect(a.title).toBe(`Password spray from ${IP}: 12 accounts in 37 min`);
    expect(a.count).toBe(12);
    const e = evidence(a);
    expect(e['Accounts tried']).toBe('12 within 37 min (threshold 10 in 60 min)');
    expect(e['Accounts']).toContain('victim0@example.com');
    expect(e['Accounts']).toContain('victim11@example.com');
    expect(e['Signed in afterwards']).toBe('none from this IP');
    expect(e['Source IP']).toBe(`${IP} (São Paulo, Brazil)`);
    expect(a.facts.accounts).toHaveLength(12);
    expect(a.severity).toBe('high');
  });

  it('a sign-in from an IP it does not track leaves no state to store; a failure does', () => {
    const opts = configureDetections({ sensitivity: 'medium' });
    const signIn = ev({ time: AFTER, actor: 'alice', action: 'user_login', at: P.saoPaulo, ip: '105.112.9.9' });
    const quiet = runDetections([signIn], initialEngineState(), opts);
    expect([...quiet.changes.keyed.keys()].filter((k) => k.startsWith('password-spray'))).toEqual([]);
    const failed = runDetections([fail(AFTER, 'alice')], initialEngineState(), opts);
    expect([...failed.changes.keyed.keys()].filter((k) => k.startsWith('password-spray'))).toEqual([`password-spray\u0000${IP}`]);
    // Once tracked, a later sign-in from it is a change (it may be the urgent fact on a later alert).
    const later = runDetections([ev({ time: AFTER + MIN, actor: 'alice', action: 'user_login', at: P.saoPaulo, ip: IP })], failed.state, opts);
    expect([...later.changes.keyed.keys()].filter((k) => k.startsWith('password-spray'))).toEqual([`password-spray\u0000${IP}`]);
  });

  it('flags an affected account that then signs in successfully from the spraying IP (critical, on the card)', () => {
    const signIn = ev({ time: AFTER + 50 * MIN, actor: 'victim3', action: 'user_login', at: P.saoPaulo, ip: IP });
    // A sign-in from the IP by an account that was not sprayed, and one of a victim from elsewhere, are not flagged.
    const other = ev({ time: AFTER + 45 * MIN, actor: 'victim5', action: 'user_login', at: P.london });
    const { alerts } = run([...spray(12), other, signIn], { only });
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.severity).toBe('critical');
    expect(a.title).toBe(`Password spray from ${IP}: 12 accounts in 37 min — 1 then signed in from it`);
    expect(evidence(a)['Signed in afterwards']).toBe(`⚠️ victim3@example.com at ${new Date(AFTER + 50 * MIN).toISOString().replace('.000', '')}`);
    expect(a.facts.signedInAfter).toEqual(['victim3@example.com']);
    expect(a.eventIds).toContain(signIn.id);
    expect(a.eventIds).not.toContain(other.id);
    expect(a.lastSeen).toBe(signIn.time);
  });

  it('a sign-in of a sprayed account from the IP before the spray began is not "afterwards"', () => {
    const before = ev({ time: AFTER - 30 * MIN, actor: 'victim3', action: 'user_login', at: P.saoPaulo, ip: IP });
    const { alerts } = run([before, ...spray(12)], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.facts.signedInAfter).toEqual([]);
  });

  it('uses 20 accounts at low, 10 at medium, 5 at high', () => {
    expect(PASSWORD_SPRAY_THRESHOLDS).toEqual({ low: 20, medium: 10, high: 5 });
    for (const [sensitivity, n] of [['low', 20], ['medium', 10], ['high', 5]] as const) {
      expect(run(spray(n - 1, AFTER, 2 * MIN), { only, sensitivity }).alerts).toHaveLength(0);
      expect(run(spray(n, AFTER, 2 * MIN), { only, sensitivity }).alerts).toHaveLength(1);
    }
  });

  it('stays quiet for the same failures spread over a day', () => {
    for (const sensitivity of ['low', 'medium', 'high'] as const)
      expect(run(spray(12, AFTER, 2 * HOUR), { only, sensitivity }).alerts).toHaveLength(0);
  });

  it('stays quiet for an office NAT IP where three users mistype their passwords, even at high', () => {
    const nat = ['ana', 'ben', 'cy'].flatMap((u, i) => [
      fail(AFTER + i * 5 * MIN, u, { at: P.london, ip: '81.2.69.10' }),
      fail(AFTER + i * 5 * MIN + 30_000, u, { at: P.london, ip: '81.2.69.10' }),
      ev({ time: AFTER + i * 5 * MIN + MIN, actor: u, action: 'user_login', at: P.london, ip: '81.2.69.10' }),
    ]);
    expect(run(nat, { only, sensitivity: 'high' }).alerts).toHaveLength(0);
  });

  it('12 failures of one account from one IP are failed-logins’ job, not a spray', () => {
    const one = Array.from({ length: 12 }, (_, i) => fail(AFTER + i * 30_000, 'alice'));
    const { alerts } = run(one, { only: [...only, 'failed-logins'], sensitivity: 'high' });
    expect(alerts.map((a) => a.detection)).toEqual(['failed-logins']);
  });

  it('counts each IP on its own, and ignores failures without an IP or from trusted networks', () => {
    const split = [...spray(6), ...spray(6, AFTER, 200_000, { ip: '105.112.33.8' }).map((e, i) => ({ ...e, actor: { ...e.actor, id: `acc-other${i}` } }))];
    expect(run(split, { only }).alerts).toHaveLength(0);
    const noIp = Array.from({ length: 12 }, (_, i) => ev({ time: AFTER + i * MIN, actor: `v${i}`, action: 'user_login_failed', interactive: false }));
    expect(run(noIp, { only }).alerts).toHaveLength(0);
    expect(run(spray(12, AFTER, 200_000, { intel: { trusted: true } }), { only }).alerts).toHaveLength(0);
  });

  it('honours IP exclusions (exact and CIDR, global and per detection); user exclusions do not hide an IP', () => {
    expect(run(spray(12), { only, exclude: { ips: [IP] } }).alerts).toHaveLength(0);
    expect(run(spray(12), { only, overrides: { 'password-spray': { excludeIps: ['105.112.0.0/16'] } } }).alerts).toHaveLength(0);
    expect(run(spray(12), { only, exclude: { users: ['victim11@example.com'] } }).alerts).toHaveLength(1);
    expect(run(spray(12), { only, overrides: { 'password-spray': { enabled: false } } }).alerts).toHaveLength(0);
  });

  it('needs no baseline: a spray in the first hour of a new org alerts', () => {
    expect(run(spray(12, T0), { only }).alerts).toHaveLength(1);
  });

  it('accounts with ids like __proto__ are ordinary accounts', () => {
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'].map((u, i) => fail(AFTER + i * MIN, u));
    const { alerts } = run([...odd, ...spray(5, AFTER + 10 * MIN, MIN)], { only });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.facts.accounts).toHaveLength(10);
    expect(evidence(alerts[0]!)['Accounts']).toContain('__proto__@example.com');
  });

  it('keeps its state bounded for an IP failing thousands of times', () => {
    const flood = Array.from({ length: 3000 }, (_, i) => fail(AFTER + i * 1000, `u${i % 1500}`));
    const { alerts, state } = run(flood, { only });
    expect(alerts).toHaveLength(1);
    const s = state.keyed.get(`password-spray\u0000${IP}`)!.s as { fails: unknown[]; ok: unknown[] };
    expect(s.fails.length).toBeLessThanOrEqual(500);
    expect(evidence(alerts[0]!)['Accounts']).toMatch(/and \d+ more$/);
  });
});

describe('password-spray in the engine', () => {
  const opts = (() => {
    const o = configureDetections({ sensitivity: 'medium' });
    return { detections: o.detections.filter((d) => d.id === 'password-spray'), settings: o.settings };
  })();

  it('is one alert grouped by IP that grows (revision bumps) as victims are added, also across JSON round trips of state', () => {
    const events = [...spray(14, AFTER, 2 * MIN), ev({ time: AFTER + 40 * MIN, actor: 'victim2', action: 'user_login', at: P.saoPaulo, ip: IP })];
    let state: EngineState = initialEngineState();
    const versions: Alert[] = [];
    for (const e of events) {
      const r = runDetections([e], reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(state))))!, opts);
      state = r.state;
      versions.push(...r.alerts);
    }
    expect(new Set(versions.map((a) => a.id)).size).toBe(1);
    expect(versions.map((a) => a.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(versions.map((a) => (a.facts.accounts as string[]).length)).toEqual([10, 11, 12, 13, 14, 14]);
    const last = versions[versions.length - 1]!;
    expect(last.actor.id).toBe(`ip:${IP}`);
    expect(last.facts.signedInAfter).toEqual(['victim2@example.com']);
    expect(last.severity).toBe('critical');
    // The same alerts as one batch without any round trip.
    const whole = runDetections(events, initialEngineState(), opts).alerts;
    expect(whole).toEqual([last]);
  });

  it('a second spray from the same IP a day later is a new alert', () => {
    const r = runDetections([...spray(12), ...spray(12, AFTER + DAY)], initialEngineState(), opts);
    expect(r.alerts).toHaveLength(2);
    expect(new Set(r.alerts.map((a) => a.actor.id))).toEqual(new Set([`ip:${IP}`]));
  });
});
