import { anonymousIp } from './anonymous-ip.js';
import { dataExfiltration } from './data-exfiltration.js';
import { distributedBruteForce } from './distributed-brute-force.js';
import { failedLogins } from './failed-logins.js';
import { impossibleTravel } from './impossible-travel.js';
import { infrequentCountry } from './infrequent-country.js';
import { passwordSpray } from './password-spray.js';
import type { AnyDetection } from './types.js';
import { suspiciousIp } from './suspicious-ip.js';
import { tokenAnomaly } from './token-anomaly.js';
import { unusualAdmin } from './unusual-admin.js';
import { unusualImpersonation } from './unusual-impersonation.js';

/** Every built-in detection. Ids are public API and never renamed. Custom policies are added by configureDetections. */
export const builtInDetections: readonly AnyDetection[] = [
  impossibleTravel,
  anonymousIp,
  suspiciousIp,
  infrequentCountry,
  failedLogins,
  passwordSpray,
  distributedBruteForce,
  unusualAdmin,
  unusualImpersonation,
  tokenAnomaly,
  dataExfiltration,
];

export const BUILT_IN_IDS: readonly string[] = builtInDetections.map((d) => d.id);

export function findDetection(id: string): AnyDetection | undefined {
  return builtInDetections.find((d) => d.id === id);
}
