import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../src/config/detection.js';
import { ConfigError } from '../../src/domain/errors.js';
import { buildEngineOptions } from '../../src/config/engine.js';
import { DEFAULT_POLICY_PACK } from '../../src/detections/policy-pack.js';
import { BUILT_IN_IDS } from '../../src/detections/registry.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-setup-'));
const cfg = (env: Record<string, string>) => ({ detection: detectionSchema.parse(env) });

describe('engine options from the configuration', () => {
  it('without a policy file: the eleven built-in detections and the default pack policies at VIGIL_SENSITIVITY', async () => {
    const o = await buildEngineOptions(cfg({ VIGIL_SENSITIVITY: 'high' }));
    expect(BUILT_IN_IDS).toHaveLength(11);
    expect(o.detections.map((d) => d.id)).toEqual([...BUILT_IN_IDS, ...DEFAULT_POLICY_PACK.map((p) => `policy:${p.name}`)]);
    expect(o.settings('impossible-travel').sensitivity).toBe('high');
  });

  it('loads VIGIL_POLICY_FILE: overrides, CIDR exclusions and custom policies take effect', async () => {
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(
      file,
      'exclude: { ips: [10.0.0.0/8] }\ndetections:\n  anonymous-ip: { enabled: false }\npolicies:\n  - name: sso-change\n    match: { text: [saml] }\n',
    );
    const o = await buildEngineOptions(cfg({ VIGIL_POLICY_FILE: file }));
    expect(o.detections.map((d) => d.id)).toContain('policy:sso-change');
    expect(o.settings('anonymous-ip').enabled).toBe(false);
    expect(o.settings('failed-logins').excludeIp!('10.20.30.40')).toBe(true);
    expect(o.settings('failed-logins').excludeIp!('11.0.0.1')).toBe(false);
  });

  it('a bad policy file stops start-up with every problem named', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'sensitivity: extreme\npolicies:\n  - name: x\n');
    const err = await buildEngineOptions(cfg({ VIGIL_POLICY_FILE: file })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/sensitivity:[\s\S]*policies\[0\]\.match/);
  });
});
