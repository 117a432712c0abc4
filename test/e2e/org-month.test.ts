import { beforeAll, describe, expect, it } from 'vitest';
import { generateOrgMonth } from '../../src/demo/generate.js';
import type { Alert } from '../../src/domain/index.js';
import { demoEnricher, normalizeAll, summary, sweepAll } from '../demo/helpers.js';

/**
 * A generated month of a realistic org (frequent travellers, same-country geolocation jitter, border
 * commuters, API-token jobs from a cloud region, routine admins, a help desk that impersonates daily,
 * occasional mistyped passwords and single exports) with injected attacks. The complete list of alerts is
 * stated; any extra alert fails the test.
 */
describe('scenario: a month of a 40-person org', () => {
  let month: ReturnType<typeof generateOrgMonth>;
  let alerts: Alert[];
  beforeAll(async () => {
    month = generateOrgMonth({ seed: 42 });
    const enricher = await demoEnricher(month.lists);
    alerts = sweepAll(normalizeAll(month.events).map((e) => enricher.enrich(e))).alerts;
  });

  it('raises exactly the expected alerts, one per attack and detection', () => {
    expect(summary(alerts)).toEqual(
      [
        'anonymous-ip uma.walsh@acme-demo.example',
        'suspicious-ip quinn.rossi@acme-demo.example',
        'impossible-travel elif.eriksen@acme-demo.example',
        'impossible-travel hiro.hughes@acme-demo.example',
        'infrequent-country hiro.hughes@acme-demo.example',
        'infrequent-country jonas.jansen@acme-demo.example',
        'failed-logins ines.ito@acme-demo.example',
        'unusual-admin kira.kowalski@acme-demo.example',
        'policy:new-org-admin kira.kowalski@acme-demo.example',
        'unusual-impersonation ada.adler@acme-demo.example',
        'policy:two-step-verification-disabled ben.brooks@acme-demo.example',
        'policy:mass-export noah.nair@acme-demo.example',
      ].sort(),
    );
  });

  it('matches the generator’s own list of injected attacks', () => {
    expect(summary(alerts)).toEqual(month.expected.map((x) => `${x.detection} ${x.actorEmail}`).sort());
  });

  it('carries evidence a responder can judge', () => {
    const travel = alerts.find((a) => a.detection === 'impossible-travel' && a.actor.email?.startsWith('hiro'))!;
    expect(travel.evidence.map((e) => e.label)).toEqual(['From', 'To', 'Distance', 'Time between', 'Implied speed', 'Countries used (30 d)', 'Usual places (30 d)']);
    expect(travel.facts.distanceKm).toBeGreaterThan(9000); // London ↔ São Paulo
    // The traveller's Tokyo trip is between two countries they use regularly, but not from their Tokyo network.
    const known = alerts.find((a) => a.detection === 'impossible-travel' && a.actor.email?.startsWith('elif'))!;
    const usual = known.evidence.find((e) => e.label === 'Usual places (30 d)')!.value;
    expect(usual).toMatch(/^(JP|GB) \S+\/24 \(\d+ d\), (JP|GB) \S+\/24 \(\d+ d\); /);
    expect(usual).toContain('JP 126.0.29.0/24');
    expect(usual).toContain('not usual: Tokyo, Japan (JP 126.0.99.0/24)');
    const burst = alerts.find((a) => a.detection === 'failed-logins')!;
    expect(burst.count).toBe(14);
    const exp = alerts.find((a) => a.detection === 'policy:mass-export')!;
    expect(exp.count).toBe(30);
  });
});

describe('scenario: the same org at other sensitivities', () => {
  let month: ReturnType<typeof generateOrgMonth>;
  let events: Parameters<typeof sweepAll>[0];
  beforeAll(async () => {
    month = generateOrgMonth({ seed: 42 });
    const enricher = await demoEnricher(month.lists);
    events = normalizeAll(month.events).map((e) => enricher.enrich(e));
  });

  it('low: the known-country trip, the 14-failure burst and the 3-action admin burst no longer alert', () => {
    expect(summary(sweepAll(events, 'low').alerts)).toEqual(
      [
        'anonymous-ip uma.walsh@acme-demo.example',
        'suspicious-ip quinn.rossi@acme-demo.example',
        'impossible-travel hiro.hughes@acme-demo.example',
        'infrequent-country hiro.hughes@acme-demo.example',
        'infrequent-country jonas.jansen@acme-demo.example',
        'policy:new-org-admin kira.kowalski@acme-demo.example',
        'unusual-impersonation ada.adler@acme-demo.example',
        'policy:two-step-verification-disabled ben.brooks@acme-demo.example',
        'policy:mass-export noah.nair@acme-demo.example',
      ].sort(),
    );
  });

  it('high: every medium alert, plus exactly the look-alikes high is meant to surface', () => {
    const high = summary(sweepAll(events, 'high').alerts);
    const medium = summary(sweepAll(events, 'medium').alerts);
    for (const m of medium) expect(high).toContain(m);
    const extra = [...high];
    for (const m of medium) extra.splice(extra.indexOf(m), 1);
    const helpDesk = new Set(['chloe.costa@acme-demo.example', 'dev.dubois@acme-demo.example']);
    const travellers = new Set(['elif.eriksen@acme-demo.example', 'olga.okafor@acme-demo.example', 'yara.brooks@acme-demo.example', 'ines.meyer2@acme-demo.example']);
    for (const x of extra) {
      const [det, email] = x.split(' ');
      // Every help-desk impersonation is reported; a traveller's fortnightly destination is "unseen in 7 days".
      expect(det === 'unusual-impersonation' ? helpDesk.has(email!) : det === 'infrequent-country' && travellers.has(email!)).toBe(true);
    }
    expect(extra.length).toBeGreaterThan(10);
  });
});

describe('scenario: a few hundred users', () => {
  it('300 users, a month: exactly the injected attacks at medium', async () => {
    const month = generateOrgMonth({ seed: 7, users: 300 });
    const enricher = await demoEnricher(month.lists);
    const { alerts, state } = sweepAll(normalizeAll(month.events).map((e) => enricher.enrich(e)));
    expect(summary(alerts)).toEqual(month.expected.map((x) => `${x.detection} ${x.actorEmail}`).sort());
    expect(month.expected).toHaveLength(12);
    expect(state.actors.size).toBeLessThanOrEqual(301); // users + the system actor
    // Each actor's record is one stored value: it must stay small.
    const largest = Math.max(0, ...[...state.actors.values()].map((a) => JSON.stringify(a).length));
    expect(largest).toBeLessThan(16_000);
  });
});

describe('scenario: the demo starts on any day (demo mode uses today − 30 days)', () => {
  it.each([0, 1, 2, 3, 4, 5, 6])('start weekday offset %i: exactly the injected attacks', async (d) => {
    const month = generateOrgMonth({ seed: 100 + d, start: Date.UTC(2026, 9, 5 + d) });
    const enricher = await demoEnricher(month.lists);
    const alerts = sweepAll(normalizeAll(month.events).map((e) => enricher.enrich(e))).alerts;
    expect(summary(alerts)).toEqual(month.expected.map((x) => `${x.detection} ${x.actorEmail}`).sort());
    expect(month.expected.length).toBeGreaterThanOrEqual(11);
  });
});
