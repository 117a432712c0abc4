import { activity, isInteractive, where, who } from './lib/event.js';
import type { Detection } from './types.js';

/**
 * Activity from an IP or CIDR on a threat-intelligence list (VIGIL_SUSPICIOUS_IP_LISTS: password-spray
 * infrastructure, botnet C&C). Enrichment marks the event; interactive activity only; trusted networks skipped.
 */
export const suspiciousIp: Detection = {
  id: 'suspicious-ip',
  title: 'Activity from a suspicious IP address',
  severity: 'high',
  mitre: ['T1078', 'TA0001'],
  runbook:
    'A threat-intelligence list names this IP. Unless the user confirms the activity, require re-sign-in, reset the password and review the session; suspend if it continues.',
  windowMs: 6 * 3_600_000,
  needsBaseline: false,
  accepts: (e) => (e.intel?.suspicious?.length ?? 0) > 0 && !e.intel?.trusted && isInteractive(e),
  evaluate(event) {
    const lists = event.intel?.suspicious ?? [];
    const ip = event.location?.ip ?? 'unknown IP';
    const place = where(event);
    return [
      {
        title: `${who(event)}: activity from a suspicious IP (${ip})`,
        summary: `${who(event)} performed "${activity(event)}" from ${ip} (${place}), listed on ${lists.join(', ')}.`,
        evidence: [
          { label: 'IP', value: ip },
          { label: 'On list', value: lists.join(', ') },
          { label: 'Location', value: place },
          { label: 'Activity', value: activity(event) },
        ],
        facts: { ip, lists, country: event.location?.countryName, city: event.location?.city },
        eventIds: [event.id],
        time: event.time,
        event,
      },
    ];
  },
};
