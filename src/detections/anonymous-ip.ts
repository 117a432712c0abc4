import { activity, isInteractive, where, who } from './lib/event.js';
import type { Detection } from './types.js';

/**
 * Activity from an anonymising IP (Tor exit node, VPN or proxy range). Enrichment marks the event with the
 * lists that contain its IP; this detection only reads that mark. Interactive activity only, as in Defender
 * for Cloud Apps ("not on failed or non-interactive logins"). No baseline and no sensitivity levels: the list
 * decides. Events from trusted networks are skipped.
 */
export const anonymousIp: Detection = {
  id: 'anonymous-ip',
  title: 'Activity from an anonymous IP address',
  severity: 'medium',
  mitre: ['T1090.003', 'TA0001'],
  runbook:
    'Check whether the user knowingly uses Tor or a consumer VPN. If not, require re-sign-in and review what the session did; suspend if data was accessed.',
  windowMs: 6 * 3_600_000,
  needsBaseline: false,
  accepts: (e) => (e.intel?.anonymous?.length ?? 0) > 0 && !e.intel?.trusted && isInteractive(e),
  evaluate(event) {
    const lists = event.intel?.anonymous ?? [];
    const ip = event.location?.ip ?? 'unknown IP';
    const place = where(event);
    return [
      {
        title: `${who(event)}: activity from an anonymous IP (${ip})`,
        summary: `${who(event)} performed "${activity(event)}" from ${ip} (${place}), which is on ${lists.join(', ')}.`,
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
