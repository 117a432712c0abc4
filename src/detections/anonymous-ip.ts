import { ipListDetection } from './lib/ip-list-detection.js';

/**
 * Activity from an anonymising IP (Tor exit node, VPN or proxy range): the shipped Tor snapshot (refreshed daily)
 * plus VIGIL_ANONYMOUS_IP_LISTS. Interactive activity only, as in Defender for Cloud Apps ("not on failed or
 * non-interactive logins"); trusted networks skipped.
 */
export const anonymousIp = ipListDetection({
  id: 'anonymous-ip',
  title: 'Activity from an anonymous IP address',
  severity: 'medium',
  mitre: ['T1090.003', 'TA0001'],
  runbook:
    'Check whether the user knowingly uses Tor or a consumer VPN. If not, require re-sign-in and review what the session did; suspend if data was accessed.',
  mark: 'anonymous',
  noun: 'an anonymous IP',
});
