import { z } from 'zod';
import { list, optStr } from './helpers.js';

/** Detection tuning from the environment; the policy file (VIGIL_POLICY_FILE) refines it per detection. */
export const detectionSchema = z.object({
  VIGIL_SENSITIVITY: z.enum(['low', 'medium', 'high']).default('medium'),
  VIGIL_POLICY_FILE: optStr,
  VIGIL_ANONYMOUS_IP_LISTS: list,
  VIGIL_SUSPICIOUS_IP_LISTS: list,
  VIGIL_TRUSTED_NETWORKS: list,
  VIGIL_GEOIP_DB: optStr,
});
export type DetectionEnv = z.infer<typeof detectionSchema>;
