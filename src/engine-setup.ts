import type { Config } from './config/index.js';
import type { EngineOptions } from './detections/engine.js';
import { builtInDetections } from './detections/registry.js';
import { createSettingsResolver } from './detections/settings.js';

/** Detections and their settings from the configuration (global sensitivity; the policy file refines it). */
export async function buildEngineOptions(cfg: Pick<Config, 'detection'>): Promise<EngineOptions> {
  return {
    detections: [...builtInDetections],
    settings: createSettingsResolver({ sensitivity: cfg.detection.VIGIL_SENSITIVITY }),
  };
}
