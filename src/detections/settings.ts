import type { DetectionSettings, Sensitivity } from './types.js';

export interface SettingsOverride {
  enabled?: boolean;
  sensitivity?: Sensitivity;
  excludeUsers?: string[];
  excludeSites?: string[];
  excludeIps?: string[];
}

export interface SettingsInput {
  sensitivity: Sensitivity;
  excludeUsers?: string[];
  excludeSites?: string[];
  excludeIps?: string[];
  /** Per detection id overrides (from the policy file). */
  overrides?: Record<string, SettingsOverride>;
  /** Compile an IP/CIDR list into a matcher (the edge passes the enrichment's CIDR matcher); default exact match. */
  compileIps?: (list: string[]) => (ip: string) => boolean;
}

/** Resolve one detection's settings: global defaults, then its overrides; exclusions add up. */
export function createSettingsResolver(input: SettingsInput): (id: string) => DetectionSettings {
  const cache = new Map<string, DetectionSettings>();
  return (id) => {
    let s = cache.get(id);
    if (!s) {
      const o = input.overrides?.[id] ?? {};
      const excludeIps = [...(input.excludeIps ?? []), ...(o.excludeIps ?? [])];
      s = {
        enabled: o.enabled ?? true,
        sensitivity: o.sensitivity ?? input.sensitivity,
        excludeUsers: [...(input.excludeUsers ?? []), ...(o.excludeUsers ?? [])],
        excludeSites: [...(input.excludeSites ?? []), ...(o.excludeSites ?? [])],
        excludeIps,
        ...(excludeIps.length > 0 && input.compileIps ? { excludeIp: input.compileIps(excludeIps) } : {}),
      };
      cache.set(id, s);
    }
    return s;
  };
}
