import type { EngineOptions } from './engine.js';
import { createPolicyDetection, type PolicySpec } from './policy.js';
import { DEFAULT_POLICY_PACK } from './policy-pack.js';
import { builtInDetections } from './registry.js';
import { createSettingsResolver, type SettingsOverride } from './settings.js';
import type { AnyDetection, Sensitivity } from './types.js';

/** The tuning a policy file carries, already validated (see src/config/policy.ts). */
export interface DetectionPolicy {
  sensitivity?: Sensitivity;
  exclude?: { users?: string[]; ips?: string[]; sites?: string[] };
  /** Per detection id (built-in ids and `policy:<name>`). */
  detections?: Record<string, SettingsOverride>;
  /** Include the default policy pack (default true). */
  defaultPolicies?: boolean;
  /** Custom policies; one with a default pack policy's name replaces it. */
  policies?: PolicySpec[];
}

export interface ConfigureInput {
  /** VIGIL_SENSITIVITY; the policy file's `sensitivity` wins. */
  sensitivity: Sensitivity;
  /** VIGIL_TRUSTED_NETWORKS are handled by enrichment (event.intel.trusted); these are extra IP exclusions. */
  policy?: DetectionPolicy;
  /** CIDR matcher factory (the enrichment's IP-list parser), for IP exclusions and policy `ips`. */
  compileIps?: (list: string[]) => (ip: string) => boolean;
}

/** Built-in detections + policies (default pack, then the file's) with their resolved settings. */
export function configureDetections(input: ConfigureInput): EngineOptions & { policies: PolicySpec[] } {
  const p = input.policy ?? {};
  const byName = new Map<string, PolicySpec>();
  if (p.defaultPolicies !== false) for (const spec of DEFAULT_POLICY_PACK) byName.set(spec.name, spec);
  for (const spec of p.policies ?? []) byName.set(spec.name, spec);
  const policies = [...byName.values()].map((s) =>
    s.match.ips && input.compileIps ? { ...s, match: { ...s.match, ipMatcher: input.compileIps(s.match.ips) } } : s,
  );
  const overrides: Record<string, SettingsOverride> = { ...p.detections };
  for (const s of policies) overrides[`policy:${s.name}`] = { enabled: s.enabled, ...overrides[`policy:${s.name}`] };
  const detections: AnyDetection[] = [...builtInDetections, ...policies.map(createPolicyDetection)];
  return {
    detections,
    policies,
    settings: createSettingsResolver({
      sensitivity: p.sensitivity ?? input.sensitivity,
      excludeUsers: p.exclude?.users,
      excludeSites: p.exclude?.sites,
      excludeIps: p.exclude?.ips,
      overrides,
      ...(input.compileIps ? { compileIps: input.compileIps } : {}),
    }),
  };
}
