import type { Config } from './index.js';
import { loadPolicyFile } from './policy.js';
import { configureDetections } from '../detections/configure.js';
import type { EngineOptions } from '../detections/engine.js';
import { parseIpList } from '../enrich/ip-lists.js';

/** CIDR-aware matcher for IP exclusions and policy `ips` (IPv4 and IPv6). */
const compileIps = (list: string[]) => parseIpList('exclusions', list.join('\n')).list.has;

/**
 * Detections and their settings from the configuration: built-in detections, the default policy pack, and the
 * policy file (VIGIL_POLICY_FILE: sensitivity, exclusions, per-detection settings, custom policies). A bad
 * policy file throws a ConfigError naming every problem with its path.
 */
export async function buildEngineOptions(cfg: Pick<Config, 'detection'>): Promise<EngineOptions> {
  const file = cfg.detection.VIGIL_POLICY_FILE;
  const policy = file ? await loadPolicyFile(file) : undefined;
  return configureDetections({ sensitivity: cfg.detection.VIGIL_SENSITIVITY, ...(policy ? { policy } : {}), compileIps });
}
