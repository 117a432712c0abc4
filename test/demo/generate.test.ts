import { describe, expect, it } from 'vitest';
import { createDemoOrg, generateOrgMonth } from '../../src/demo/generate.js';
import { normalizeAtlassianEvent } from '../../src/sources/atlassian/normalize.js';
import { demoEnricher, normalizeAll, sweepAll } from './helpers.js';

type Raw = { id: string; attributes: { time: string; processedAt: string; action: string; actor: { name?: string; auth?: unknown }; location?: { geo?: string } } };

describe('demo org generator', () => {
  const month = generateOrgMonth({ seed: 42 });
  const events = month.events as Raw[];

  it('is deterministic for a seed and different for another seed', () => {
    expect(JSON.stringify(generateOrgMonth({ seed: 42 }).events)).toBe(JSON.stringify(month.events));
    expect(JSON.stringify(generateOrgMonth({ seed: 43 }).events.slice(0, 50))).not.toBe(JSON.stringify(month.events.slice(0, 50)));
  });

  it('emits raw org audit events in the API shape, ascending by processedAt, with unique ids', () => {
    expect(events.length).toBeGreaterThan(5000);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (let i = 1; i < events.length; i++) expect(events[i]!.attributes.processedAt >= events[i - 1]!.attributes.processedAt).toBe(true);
    for (const e of events.slice(0, 500)) {
      const n = normalizeAtlassianEvent(e, 'demo');
      expect(n.ok).toBe(true);
    }
    const withGeo = events.find((e) => e.attributes.location?.geo)!;
    expect(withGeo.attributes.location!.geo).toMatch(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/);
  });

  it('contains the benign look-alikes: token jobs, the system actor, late-processed events, impersonation and admin routines', () => {
    expect(events.some((e) => e.attributes.actor.auth)).toBe(true);
    expect(events.some((e) => e.attributes.actor.name === 'Atlassian Internal System')).toBe(true);
    const late = events.filter((e) => Date.parse(e.attributes.processedAt) - Date.parse(e.attributes.time) > 10 * 60_000);
    expect(late.length).toBeGreaterThan(50);
    expect(events.filter((e) => e.attributes.action === 'user_logged_in_as_user').length).toBeGreaterThan(30);
    expect(events.filter((e) => e.attributes.action === 'user_granted_role').length).toBeGreaterThan(30);
    expect(events.filter((e) => e.attributes.action === 'user_login_failed').length).toBeGreaterThan(14);
  });

  it('states the injected attacks and the IP lists they need', () => {
    expect(month.expected.map((x) => x.detection)).toEqual([
      'anonymous-ip',
      'suspicious-ip',
      'impossible-travel',
      'impossible-travel',
      'infrequent-country',
      'infrequent-country',
      'failed-logins',
      'unusual-admin',
      'policy:new-org-admin',
      'unusual-impersonation',
      'policy:two-step-verification-disabled',
      'data-exfiltration',
      'token-anomaly',
      'suspicious-ip',
      'token-anomaly',
      'policy:api-key-created',
      'token-anomaly',
      'data-exfiltration',
      'data-exfiltration',
      'data-exfiltration',
      'unusual-admin',
      'policy:app-installed',
      'policy:public-link-or-external-share',
      'policy:password-reset',
      'policy:audit-log-webhook-changed',
      'policy:data-security-policy-changed',
      'policy:mass-deactivation',
    ]);
    expect(month.lists.anonymous).toMatch(/^# Tor exit relays/);
    expect(month.lists.suspicious).toContain('45.155.205.0/24');
  });

  it('without attacks, a whole benign month raises no alert at all', async () => {
    const quiet = generateOrgMonth({ seed: 42, attacks: false });
    expect(quiet.expected).toEqual([]);
    const enricher = await demoEnricher(quiet.lists);
    expect(sweepAll(normalizeAll(quiet.events).map((e) => enricher.enrich(e))).alerts).toEqual([]);
  });

  it('streams: the generator yields the same events without building the whole array', () => {
    const org = createDemoOrg({ seed: 42 });
    let n = 0;
    for (const e of org.events()) {
      expect(e.id).toBe(events[n]!.id);
      if (++n === 1000) break;
    }
    expect(org.users).toHaveLength(40);
  });
});
