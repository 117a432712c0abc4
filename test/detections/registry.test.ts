import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInDetections, findDetection } from '../../src/detections/registry.js';
import { DEFAULT_POLICY_PACK } from '../../src/detections/policy-pack.js';
import { configureDetections } from '../../src/detections/configure.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'src/detections');
const NOT_DETECTIONS = new Set(['engine.ts', 'state.ts', 'registry.ts', 'settings.ts', 'types.ts', 'configure.ts', 'policy-pack.ts', 'policy-pack-parity.ts', 'policy.ts']);

describe('registry', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !NOT_DETECTIONS.has(f));

  it('registers exactly the built-in ids (the seven of issue 1, spray, distributed brute force, token anomaly, exfiltration), each once', () => {
    const ids = builtInDetections.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      [
        'anonymous-ip',
        'data-exfiltration',
        'distributed-brute-force',
        'failed-logins',
        'impossible-travel',
        'infrequent-country',
        'password-spray',
        'suspicious-ip',
        'token-anomaly',
        'unusual-admin',
        'unusual-impersonation',
      ].sort(),
    );
    for (const id of ids) expect(findDetection(id)?.id).toBe(id);
  });

  it.each(files)('%s is a registered detection with its own test file', async (file) => {
    const mod = (await import(path.join(DIR, file))) as Record<string, unknown>;
    const exported = Object.values(mod).filter((v) => !!v && typeof v === 'object' && 'evaluate' in v && 'id' in v) as Array<{ id: string }>;
    expect(exported).toHaveLength(1);
    expect(exported[0]!.id).toBe(file.replace(/\.ts$/, ''));
    expect(builtInDetections).toContain(exported[0]);
    expect(existsSync(path.join(ROOT, 'test/detections', file.replace(/\.ts$/, '.test.ts')))).toBe(true);
  });

  it('every built-in detection lives in a file named after its id', () => {
    for (const d of builtInDetections) expect(files).toContain(`${d.id}.ts`);
  });

  it('custom policies have their own tested module, and ids never clash with built-ins', () => {
    expect(existsSync(path.join(ROOT, 'test/detections/policy.test.ts'))).toBe(true);
    const all = configureDetections({ sensitivity: 'medium' }).detections.map((d) => d.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id.startsWith('policy:'))).toEqual(DEFAULT_POLICY_PACK.map((p) => `policy:${p.name}`));
  });

  it('every detection declares what a responder needs', () => {
    for (const d of builtInDetections) {
      expect(d.title.length).toBeGreaterThan(5);
      expect(d.runbook.length).toBeGreaterThan(20);
      expect(d.mitre.length).toBeGreaterThan(0);
      expect(d.windowMs).toBeGreaterThan(0);
    }
  });
});
