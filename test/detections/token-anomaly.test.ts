import { describe, expect, it } from 'vitest';
import { reviveEngineState, serializeEngineState } from '../../src/detections/engine.js';
import { MAX_CREATIONS, MAX_TOKENS, hoursText } from '../../src/detections/token-anomaly.js';
import { MAX_PLACES } from '../../src/detections/lib/places.js';
import type { NormalizedEvent } from '../../src/domain/index.js';
import { AFTER, DAY, HOUR, MIN, P, T0, ev, history, type Place } from '../fixtures/event.js';
import { run } from './helpers.js';

const only = ['token-anomaly'];
const SENS = ['low', 'medium', 'high'] as const;
const ashburn: Place = { city: 'Ashburn', countryName: 'United States', countryCode: 'US', lat: 39.044, lon: -77.488, ip: '52.4.10.20' };
const lagos: Place = { city: 'Lagos', countryName: 'Nigeria', countryCode: 'NG', lat: 6.524, lon: 3.379, ip: '105.112.33.7' };

/** A use of alice's token `id` (label `label`) from `at`. */
function use(time: number, at: Place, o: { id?: string; label?: string; ip?: string; actor?: string; intel?: NormalizedEvent['intel']; site?: string } = {}): NormalizedEvent {
  const e = ev({ time, actor: o.actor ?? 'alice', token: true, at, action: 'issue_updated', ...(o.ip ? { ip: o.ip } : {}), ...(o.intel ? { intel: o.intel } : {}), ...(o.site ? { site: o.site } : {}) });
  return { ...e, actor: { ...e.actor, token: { id: o.id ?? 't1', label: o.label ?? 'ci-sync' } } };
}

/** Alice works in Berlin, Bob in New York; alice's CI token runs every 6 hours from one Ashburn /24 for 10 days. */
function baseline(): NormalizedEvent[] {
  const ci = Array.from({ length: 40 }, (_, i) => use(T0 + i * 6 * HOUR + 5 * MIN, ashburn, { ip: `52.4.10.${20 + (i % 5)}` }));
  return [...history('alice', P.berlin, T0, 10), ...history('bob', P.newYork, T0, 10, 15), ...ci];
}

const at = (events: NormalizedEvent[], sensitivity: (typeof SENS)[number]) => run(events, { only, sensitivity }).alerts;

describe('token-anomaly', () => {
  it('a token used from a country it never used, which its owner does not use: alerts at every sensitivity, naming the token', () => {
    for (const s of SENS) {
      const alerts = at([...baseline(), use(AFTER, P.saoPaulo)], s);
      expect(alerts, s).toHaveLength(1);
      const a = alerts[0]!;
      expect(a.detection).toBe('token-anomaly');
      expect(a.actor.email).toBe('alice@example.com');
      expect(a.title).toContain('API token ci-sync (t1)');
      expect(a.title).toContain('a country it never used');
      const e = Object.fromEntries(a.evidence.map((x) => [x.label, x.value]));
      expect(e['Countries used']).toBe('US');
      expect(e['Networks used']).toBe('52.4.10.0/24');
      expect(e['Usual hours / volume']).toMatch(/^00, 06, 12, 18 UTC; busiest day 4 uses, 40 in all/);
      expect(a.facts).toMatchObject({ machine: 'token:t1', country: 'BR' });
    }
  });

  it('a new country (and network) its owner uses interactively is the owner at work: quiet at low and medium, an alert at high', () => {
    const events = [...baseline(), use(AFTER, P.berlin)];
    expect(at(events, 'low')).toHaveLength(0);
    expect(at(events, 'medium')).toHaveLength(0);
    expect(at(events, 'high')).toHaveLength(1);
    // Low also accepts a country someone else in the org uses (bob's US is the token's own; Japan is nobody's).
    expect(at([...baseline(), use(AFTER, P.tokyo)], 'low')).toHaveLength(1);
  });

  it('a pinned automation token (one network, many days) used from a new network in its own country: medium and high alert, low does not', () => {
    const events = [...baseline(), use(AFTER, ashburn, { ip: '45.155.205.77' })];
    expect(at(events, 'low')).toHaveLength(0);
    const medium = at(events, 'medium');
    expect(medium).toHaveLength(1);
    expect(medium[0]!.title).toContain('used from network 45.155.205.0/24, which it never used (it always ran from 52.4.10.0/24)');
    expect(at(events, 'high')).toHaveLength(1);
  });

  it('a roaming token (several networks) on yet another network: only high alerts; its usual networks never alert', () => {
    const roaming = [0, 1, 2].flatMap((n) => Array.from({ length: 8 }, (_, d) => use(T0 + d * DAY + n * HOUR, ashburn, { id: 't2', ip: `52.${n + 10}.1.9` })));
    const events = [...baseline(), ...roaming, use(AFTER, ashburn, { id: 't2', ip: '52.99.1.9' })];
    expect(at(events, 'medium')).toHaveLength(0);
    expect(at(events, 'high')).toHaveLength(1);
    for (const s of SENS) expect(at([...baseline(), ...roaming, use(AFTER, ashburn, { id: 't2', ip: '52.11.1.200' }), use(AFTER, ashburn)], s), s).toHaveLength(0);
  });

  it('a new token first used 45 minutes after its creation from a country its creator never used: one alert linked to the creation', () => {
    const created = ev({ time: AFTER, actor: 'alice', at: P.berlin, action: 'api_token_created', message: 'Created API token deploy-bot' });
    for (const s of SENS) {
      const alerts = at([...baseline(), created, use(AFTER + 45 * MIN, lagos, { id: 't9', label: 'deploy-bot' })], s);
      expect(alerts, s).toHaveLength(1);
      const a = alerts[0]!;
      expect(a.title).toContain('first use of a new token from Lagos, Nigeria, a country its creator never used');
      expect(a.eventIds[0]).toBe(created.id);
      expect(a.firstSeen).toBe(AFTER);
      expect(a.facts).toMatchObject({ createdEventId: created.id });
      expect(a.evidence.find((x) => x.label === 'Created')!.value).toBe(
        `api_token_created: Created API token deploy-bot at ${new Date(AFTER).toISOString().replace('.000', '')} from Berlin, Germany (91.64.1.1), 45 min before this first use`,
      );
    }
    // The same first use from the creator's own country is their new script.
    for (const s of SENS) expect(at([...baseline(), created, use(AFTER + 45 * MIN, P.berlin, { id: 't9', label: 'deploy-bot' })], s), s).toHaveLength(0);
  });

  it('a token first seen without its creation: judged against the org at low and medium, against its owner at high', () => {
    // Alice never used the US interactively, but bob does: a token of hers first seen there might predate Vigil.
    const events = [...baseline(), use(AFTER, P.newYork, { id: 't7' })];
    expect(at(events, 'low')).toHaveLength(0);
    expect(at(events, 'medium')).toHaveLength(0);
    expect(at(events, 'high')).toHaveLength(1);
    for (const s of SENS) expect(at([...baseline(), use(AFTER, lagos, { id: 't7' })], s), s).toHaveLength(1);
  });

  it('apps and agents (actor.onBehalfOf) have their own baseline keyed by the app', () => {
    const app = (time: number, where: Place) => {
      const e = ev({ time, actor: 'rovo', at: where, interactive: false, action: 'page_updated' });
      return { ...e, actor: { id: 'app-rovo', name: 'Rovo agent', onBehalfOf: { id: 'acc-alice', email: 'alice@example.com' } } };
    };
    const routine = Array.from({ length: 20 }, (_, d) => app(T0 + d * 12 * HOUR, ashburn));
    const alerts = at([...baseline(), ...routine, app(AFTER, P.saoPaulo)], 'medium');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toContain('app Rovo agent acting for alice@example.com — used from São Paulo, Brazil');
    expect(at([...baseline(), ...routine, app(AFTER, ashburn)], 'medium')).toHaveLength(0);
  });

  it('raises nothing while learning, for trusted networks, or for excluded users, IPs and sites; can be disabled', () => {
    expect(run([history('alice', P.berlin, T0, 1)[0]!, use(T0 + DAY, P.saoPaulo), use(T0 + 2 * DAY, lagos)], { only }).alerts).toHaveLength(0);
    expect(at([...baseline(), use(AFTER, P.saoPaulo, { intel: { trusted: true } })], 'high')).toHaveLength(0);
    const hit = [...baseline(), use(AFTER, P.saoPaulo, { site: 'acme.atlassian.net' })];
    expect(run(hit, { only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'token-anomaly': { excludeIps: ['177.32.0.0/16'] } } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'token-anomaly': { excludeSites: ['acme.atlassian.net'] } } }).alerts).toHaveLength(0);
    expect(run(hit, { only, overrides: { 'token-anomaly': { enabled: false } } }).alerts).toHaveLength(0);
    expect(run(hit, { only }).alerts).toHaveLength(1);
  });

  it('a session from the new place is one growing alert per token; another token gets its own', () => {
    const alerts = at([...baseline(), use(AFTER, P.saoPaulo), use(AFTER + HOUR, P.saoPaulo, { ip: '177.33.1.1' }), use(AFTER, lagos, { id: 't9' })], 'medium');
    expect(alerts.map((a) => a.facts.machine).sort()).toEqual(['token:t1', 'token:t9']);
  });

  it('state stays bounded per owner and survives a JSON round trip', () => {
    const many = Array.from({ length: 200 }, (_, i) => use(T0 + i * MIN, ashburn, { id: `tok-${i}`, ip: `52.${i % 250}.${i}.1` }));
    const nets = Array.from({ length: 500 }, (_, i) => use(T0 + DAY + i * MIN, ashburn, { ip: `60.${i % 250}.${Math.floor(i / 250)}.1` }));
    const creations = Array.from({ length: 30 }, (_, i) => ev({ time: T0 + 2 * DAY + i * MIN, actor: 'alice', at: P.berlin, action: 'api_token_created' }));
    const { state } = run([...history('alice', P.berlin), ...many, ...nets, ...creations], { only });
    const s = state.actors.get('acc-alice')!.d['token-anomaly'] as { t: Record<string, { n: object }>; k: unknown[] };
    expect(Object.keys(s.t).length).toBe(MAX_TOKENS);
    expect(Object.keys(s.t['token:t1']!.n).length).toBeLessThanOrEqual(MAX_PLACES);
    expect(s.k).toHaveLength(MAX_CREATIONS);
    expect(JSON.stringify(s).length).toBeLessThan(12_000);

    const first = run(baseline(), { only });
    const revived = reviveEngineState(JSON.parse(JSON.stringify(serializeEngineState(first.state))))!;
    expect(run([use(AFTER, P.saoPaulo)], { only, state: revived }).alerts).toHaveLength(1);
    expect(run([use(AFTER, ashburn)], { only, state: revived }).alerts).toHaveLength(0);
  });

  it('describes usual hours compactly', () => {
    expect(hoursText(0)).toBe('none');
    expect(hoursText(0xffffff)).toBe('all day');
    expect(hoursText((1 << 2) | (1 << 3) | (1 << 4) | (1 << 14))).toBe('02–04, 14 UTC');
  });
});
