import { ipListDetection } from './lib/ip-list-detection.js';

/**
 * Activity from an IP or CIDR on a threat-intelligence list (VIGIL_SUSPICIOUS_IP_LISTS: password-spray
 * infrastructure, botnet C&C). Interactive activity only; trusted networks skipped.
 */
export const suspiciousIp = ipListDetection({
  id: 'suspicious-ip',
  title: 'Activity from a suspicious IP address',
  severity: 'high',
  mitre: ['T1078', 'TA0001'],
  runbook:
    'A threat-intelligence list names this IP. Unless the user confirms the activity, require re-sign-in, reset the password and review the session; suspend if it continues.',
  mark: 'suspicious',
  noun: 'a suspicious IP',
});
