import type { DetectionSettings, Sensitivity } from './types.js';

export interface SettingsInput {
  sensitivity: Sensitivity;
  excludeUsers?: string[];
  excludeSites?: string[];
  /** Per detection id overrides (from the policy file). */
  overrides?: Record<string, Partial<DetectionSettings>>;
}

/** Resolve one detection's settings: global defaults, then its overrides; exclusions add up. */
export function createSettingsResolver(input: SettingsInput): (id: string) => DetectionSettings {
  const cache = new Map<string, DetectionSettings>();
  return (id) => {
    let s = cache.get(id);
    if (!s) {
      const o = input.overrides?.[id] ?? {};
      s = {
        enabled: o.enabled ?? true,
        sensitivity: o.sensitivity ?? input.sensitivity,
        excludeUsers: [...(input.excludeUsers ?? []), ...(o.excludeUsers ?? [])],
        excludeSites: [...(input.excludeSites ?? []), ...(o.excludeSites ?? [])],
      };
      cache.set(id, s);
    }
    return s;
  };
}
