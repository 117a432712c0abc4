import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicyText } from '../../src/config/policy.js';
import { configureDetections } from '../../src/detections/configure.js';
import { ConfigError } from '../../src/domain/errors.js';
import { run } from '../detections/helpers.js';
import { AFTER, P, ev, history } from '../fixtures/event.js';

const YAML_EXAMPLE = `
sensitivity: high
exclude:
  users: [svc-backup@example.com]
  ips: [10.0.0.0/8, "2001:db8::/32"]
detections:
  impossible-travel:
    sensitivity: low
    exclude:
      users: [traveller@example.com]
  failed-logins:
    enabled: false
  policy:mass-export:
    enabled: false
policies:
  - name: confluence-space-export
    title: Confluence space exported
    severity: high
    match:
      actions: ["*space*export*", "Exported space"]
      sites: [acme.atlassian.net]
    threshold: { count: 3, within: 15m, groupBy: actor }
  - name: login-from-sanctioned-country
    match: { actions: [user_login], countries: [KP, IR] }
`;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('policy file', () => {
  it('parses the documented YAML example into engine settings and policies', () => {
    const p = parsePolicyText(YAML_EXAMPLE, 'policy.yaml');
    expect(p.sensitivity).toBe('high');
    expect(p.detections!['impossible-travel']).toEqual({ sensitivity: 'low', excludeUsers: ['traveller@example.com'] });
    expect(p.policies!.map((x) => x.name)).toEqual(['confluence-space-export', 'login-from-sanctioned-country']);
    expect(p.policies![0]!.threshold).toEqual({ count: 3, withinMs: 900_000, groupBy: 'actor' });
    expect(p.policies![1]!.title).toBe('Login from sanctioned country');
    const opts = configureDetections({ sensitivity: 'medium', policy: p });
    expect(opts.settings('impossible-travel').sensitivity).toBe('low');
    expect(opts.settings('infrequent-country').sensitivity).toBe('high');
    expect(opts.settings('failed-logins').enabled).toBe(false);
    expect(opts.settings('policy:mass-export').enabled).toBe(false);
    expect(opts.settings('policy:new-org-admin').enabled).toBe(true);
    expect(opts.detections.map((d) => d.id)).toContain('policy:confluence-space-export');
  });

  it('takes effect in the engine: exclusions by CIDR and a custom policy', () => {
    const p = parsePolicyText(YAML_EXAMPLE, 'policy.yaml');
    const e = ev({ time: AFTER, actor: 'mallory', action: 'user_login', at: { ...P.berlin, countryName: 'Iran', countryCode: 'IR' } });
    const base = history('mallory', P.berlin);
    expect(run([...base, e], { only: ['policy:login-from-sanctioned-country'] }).alerts).toHaveLength(0); // not in the default pack
    const opts = configureDetections({ sensitivity: 'medium', policy: p });
    expect(opts.detections.find((d) => d.id === 'policy:login-from-sanctioned-country')!.accepts(e)).toBe(true);
  });

  it('reads JSON too (by extension) and an empty file means defaults', () => {
    const json = JSON.stringify({ sensitivity: 'low', policies: [{ name: 'x', match: { text: ['export'] } }] });
    expect(parsePolicyText(json, 'p.json').policies![0]!.severity).toBe('medium');
    expect(parsePolicyText('', 'empty.yaml')).toEqual({ detections: {}, policies: [] });
  });

  it('reports every problem with its path, in one error', () => {
    const bad = `
sensitivity: extreme
exclude: { ips: [not-an-ip, 10.0.0.0/8] }
detections:
  impossible-trip: { enabled: true }
  anonymous-ip: { sensitivity: max, colour: red }
policies:
  - name: Bad Name
    match: {}
  - name: dup
    match: { actions: [x] }
    threshold: { count: 0, within: soon }
  - name: dup
    match: { actions: [y] }
`;
    const msg = errorOf(() => parsePolicyText(bad, 'bad.yaml'));
    expect(msg).toContain('Policy file bad.yaml has');
    for (const line of [
      '- sensitivity:',
      '- exclude.ips[0]: must be an IP address or CIDR range',
      '- detections.anonymous-ip.sensitivity:',
      '- detections.anonymous-ip: unknown key(s) colour',
      '- policies[0].name: must be lower-case letters',
      '- policies[0].match: needs at least one criterion',
      '- policies[1].threshold.count:',
      '- policies[1].threshold.within: must be a duration',
      '- policies[2].name: "dup" is defined twice',
    ])
      expect(msg).toContain(line);
    // Unknown detection ids are caught (reported after the shape errors are fixed).
    const unknown = errorOf(() => parsePolicyText('detections:\n  impossible-trip: { enabled: true }\n', 'u.yaml'));
    expect(unknown).toContain('- detections.impossible-trip: unknown detection; use one of impossible-travel');
  });

  it('names the file for unreadable files and syntax errors', async () => {
    await expect(loadPolicyFile('/nonexistent/policy.yaml')).rejects.toThrow(/VIGIL_POLICY_FILE: cannot read \/nonexistent\/policy.yaml \(ENOENT\)/);
    expect(errorOf(() => parsePolicyText('a: [1, 2', 'broken.yaml'))).toMatch(/^Policy file broken.yaml is not valid YAML/);
    expect(errorOf(() => parsePolicyText('{"a":', 'broken.json'))).toMatch(/^Policy file broken.json is not valid JSON/);
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-policy-'));
    writeFileSync(path.join(dir, 'p.yml'), YAML_EXAMPLE);
    expect((await loadPolicyFile(path.join(dir, 'p.yml'))).sensitivity).toBe('high');
  });
});
