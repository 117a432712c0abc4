import { z } from 'zod';
import { list, optStr } from '../lib/settings.js';

/** Detection tuning from the environment; the policy file (VIGIL_POLICY_FILE) refines it per detection. */
export const detectionSchema = z.object({
  /** low | medium | high: the default sensitivity of every detection. */
  VIGIL_SENSITIVITY: z.enum(['low', 'medium', 'high']).default('medium'),
  /** Optional YAML or JSON policy file: sensitivity, exclusions, per-detection settings, custom policies. */
  VIGIL_POLICY_FILE: optStr,
  /** Anonymiser IP lists (files or https URLs), on top of the shipped Tor exit snapshot. */
  VIGIL_ANONYMOUS_IP_LISTS: list,
  /** Threat-intelligence IP lists (files or https URLs), refreshed daily. */
  VIGIL_SUSPICIOUS_IP_LISTS: list,
  /** Corporate egress / VPN ranges: never anonymous, suspicious or a new country; travel between two is trusted. */
  VIGIL_TRUSTED_NETWORKS: list,
  /** City .mmdb file(s) for IP geolocation; unset = bundled DB-IP City Lite; "off" = none (country centroids). */
  VIGIL_GEOIP_DB: optStr,
  /** Tor bulk exit list fetched by the daily refresh; "off" keeps only the shipped snapshot. */
  VIGIL_TOR_EXIT_LIST_URL: optStr.transform((v) => v ?? 'https://check.torproject.org/torbulkexitlist'),
});
export type DetectionEnv = z.infer<typeof detectionSchema>;
