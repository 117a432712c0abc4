import { describe, expect, it } from 'vitest';
import { configureDetections } from '../../src/detections/configure.js';
import { initialEngineState, runDetections } from '../../src/detections/engine.js';
import { compileMatch, createPolicyDetection, type PolicySpec } from '../../src/detections/policy.js';
import { DEFAULT_POLICY_PACK } from '../../src/detections/policy-pack.js';
import type { Alert, NormalizedEvent } from '../../src/domain/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { run, runInArrivalOrder } from './helpers.js';
import { AFTER, HOUR, MIN, P, T0, ev } from '../fixtures/event.js';

const pack = DEFAULT_POLICY_PACK.map((p) => `policy:${p.name}`);
const runPolicies = (events: NormalizedEvent[], policies: PolicySpec[], extra: Parameters<typeof configureDetections>[0]['policy'] = {}): Alert[] => {
  const opts = configureDetections({ sensitivity: 'medium', policy: { defaultPolicies: false, policies, ...extra }, compileIps: (l) => parseIpList('x', l.join('\n')).list.has });
  const detections = opts.detections.filter((d) => d.id.startsWith('policy:'));
  return runDetections([...events].sort((a, b) => a.time - b.time), initialEngineState(), { detections, settings: opts.settings }).alerts;
};
const spec = (over: Partial<PolicySpec> & Pick<PolicySpec, 'match'>): PolicySpec => ({ name: 'custom', title: 'Custom', severity: 'medium', enabled: true, ...over });

describe('default policy pack', () => {
  it('new org admin, 2SV disabled, auth policy change and API key creation each alert once, with their policy id', () => {
    const events = [
      ev({ time: T0, action: 'added_org_admin', target: 'mallory', at: P.london }),
      ev({ time: T0 + HOUR, action: 'twosv_disabled_for_user', target: 'bob', at: P.london }),
      ev({ time: T0 + 2 * HOUR, action: 'k1', actionName: 'Updated authentication policy', at: P.london }),
      ev({ time: T0 + 3 * HOUR, action: 'k2', actionName: 'Created API key', at: P.london }),
    ];
    const { alerts } = run(events, { only: pack });
    expect(alerts.map((a) => a.detection).sort()).toEqual(
      ['policy:api-key-created', 'policy:auth-policy-changed', 'policy:new-org-admin', 'policy:two-step-verification-disabled'].sort(),
    );
    const admin = alerts.find((a) => a.detection === 'policy:new-org-admin')!;
    expect(admin.severity).toBe('high');
    expect(admin.evidence.find((e) => e.label === 'Target')!.value).toBe('mallory@example.com');
  });

  it('ordinary activity matches no pack policy', () => {
    const events = ['user_login', 'page_updated', 'user_granted_role', 'user_logged_in_as_user', 'page_exported'].map((action, i) => ev({ time: T0 + i * HOUR, action, at: P.london }));
    expect(run(events, { only: pack }).alerts).toHaveLength(0);
  });

  it('mass export (off by default, superseded by data-exfiltration): 20 exports within 10 minutes by one actor; 19, or 20 over an hour, do not', () => {
    const exports = (n: number, every: number, actor = 'alice') => Array.from({ length: n }, (_, i) => ev({ time: AFTER + i * every, actor, action: 'page_exported', at: P.london }));
    expect(run(exports(20, 20_000), { only: ['policy:mass-export'] }).alerts).toHaveLength(0);
    const on = { 'policy:mass-export': { enabled: true } };
    const { alerts } = run(exports(20, 20_000), { only: ['policy:mass-export'], overrides: on });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(20);
    expect(run(exports(19, 20_000), { only: ['policy:mass-export'], overrides: on }).alerts).toHaveLength(0);
    expect(run(exports(20, 3 * MIN), { only: ['policy:mass-export'], overrides: on }).alerts).toHaveLength(0);
    // Ten each by two actors is not one actor's mass export.
    expect(run([...exports(10, 20_000), ...exports(10, 20_000, 'bob')], { only: ['policy:mass-export'], overrides: on }).alerts).toHaveLength(0);
  });

  it('policies ignore sensitivity and learning, honour exclusions and can be disabled by id', () => {
    const e = [ev({ time: T0, action: 'added_org_admin', at: P.london, site: 'acme.atlassian.net' })];
    for (const sensitivity of ['low', 'medium', 'high'] as const) expect(run(e, { only: pack, sensitivity }).alerts).toHaveLength(1);
    expect(run(e, { only: pack, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    expect(run(e, { only: pack, exclude: { ips: ['81.2.69.0/24'] } }).alerts).toHaveLength(0);
    expect(run(e, { only: pack, overrides: { 'policy:new-org-admin': { excludeSites: ['acme.atlassian.net'] } } }).alerts).toHaveLength(0);
    expect(run(e, { only: pack, overrides: { 'policy:new-org-admin': { enabled: false } } }).alerts).toHaveLength(0);
  });
});

describe('custom policies', () => {
  const base = { time: AFTER, action: 'space_export', actionName: 'Exported space', at: P.london, target: 'bob', site: 'acme.atlassian.net', message: 'Exported space FIN' };

  it('ANDs criteria and ORs values inside one', () => {
    const m = compileMatch({ actions: ['*export*'], actors: ['alice@example.com', 'carol'], countries: ['GB', 'Ireland'] });
    expect(m(ev(base))).toBe(true);
    expect(m(ev({ ...base, actor: 'dan' }))).toBe(false);
    expect(m(ev({ ...base, at: P.paris }))).toBe(false);
    expect(m(ev({ ...base, action: 'page_updated', actionName: 'Updated page' }))).toBe(false);
  });

  it('matches action display names, free text, targets, sites and IP ranges', () => {
    const one = (match: PolicySpec['match']) => runPolicies([ev(base)], [spec({ match })]).length;
    expect(one({ actions: ['Exported space'] })).toBe(1);
    expect(one({ actions: ['exported SPACE'] })).toBe(1);
    expect(one({ actions: ['Exported'] })).toBe(0);
    expect(one({ text: ['fin'] })).toBe(1);
    expect(one({ text: ['payroll'] })).toBe(0);
    expect(one({ targets: ['BOB@example.com'] })).toBe(1);
    expect(one({ targets: ['carol@example.com'] })).toBe(0);
    expect(one({ sites: ['acme.atlassian.net'] })).toBe(1);
    expect(one({ sites: ['other.atlassian.net'] })).toBe(0);
    expect(one({ ips: ['81.2.0.0/16'] })).toBe(1);
    expect(one({ ips: ['10.0.0.0/8'] })).toBe(0);
    expect(one({ countries: ['united kingdom'] })).toBe(1);
  });

  it('thresholds group by IP or site across actors', () => {
    const sprayed = ['a', 'b', 'c', 'd', 'e'].map((actor, i) => ev({ time: AFTER + i * MIN, actor, action: 'user_login', at: P.saoPaulo }));
    const byIp = spec({ name: 'spray', match: { actions: ['user_login'] }, threshold: { count: 5, withinMs: 10 * MIN, groupBy: 'ip' } });
    const alerts = runPolicies(sprayed, [byIp]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detection).toBe('policy:spray');
    expect(alerts[0]!.title).toContain(`ip:${P.saoPaulo.ip}`);
    expect(runPolicies(sprayed.slice(0, 4), [byIp])).toHaveLength(0);
    const bySite = spec({ name: 'site-burst', match: { actions: ['user_login'] }, threshold: { count: 5, withinMs: 10 * MIN, groupBy: 'site' } });
    expect(runPolicies(sprayed, [bySite])).toHaveLength(0); // no site on these events
    expect(runPolicies(sprayed.map((e) => ({ ...e, site: { host: 'acme.atlassian.net' } })), [bySite])).toHaveLength(1);
  });

  it('a file policy with a pack name replaces the pack policy; disabled policies raise nothing', () => {
    const e = [ev({ time: AFTER, action: 'added_org_admin', at: P.london })];
    const quiet = spec({ name: 'new-org-admin', enabled: false, match: { actions: ['added_org_admin'] } });
    expect(runPolicies(e, [quiet], { defaultPolicies: true })).toHaveLength(0);
    const low = spec({ name: 'new-org-admin', severity: 'low', match: { actions: ['added_org_admin'] } });
    expect(runPolicies(e, [low], { defaultPolicies: true })[0]!.severity).toBe('low');
  });

  it('deduplicates within the policy window and counts late events into a threshold', () => {
    const p = spec({ match: { actions: ['user_login'] }, windowMs: HOUR });
    const logins = [0, 10, 20].map((m) => ev({ time: AFTER + m * MIN, action: 'user_login', at: P.london }));
    const alerts = runPolicies(logins, [p]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(3);
    const th = createPolicyDetection(spec({ name: 'th', match: { actions: ['user_login'] }, threshold: { count: 3, withinMs: 10 * MIN, groupBy: 'actor' } }));
    const [a, b, c] = [1, 2, 3].map((m) => ev({ time: AFTER + m * MIN, action: 'user_login', at: P.london }));
    expect(runInArrivalOrder([a!, c!, ev({ time: AFTER + HOUR, at: P.london }), b!], { only: ['policy:th'], extra: [th] })).toHaveLength(1);
  });
});
