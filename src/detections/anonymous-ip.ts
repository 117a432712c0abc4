import type { Detection } from './types.js';

/**
 * Activity from an anonymising IP (Tor exit node, VPN or proxy range). Enrichment marks the event with the
 * lists that contain its IP; this detection only reads that mark. Interactive activity only, as in
 * Defender for Cloud Apps ("not on failed or non-interactive logins").
 */
export const anonymousIp: Detection<Record<string, never>> = {
  id: 'anonymous-ip',
  title: 'Activity from an anonymous IP address',
  severity: 'medium',
  mitre: ['T1090.003', 'TA0001'],
  runbook:
    'Check whether the user knowingly uses Tor or a consumer VPN. If not, require re-sign-in and review what the session did; suspend if data was accessed.',
  windowMs: 60 * 60_000,
  needsBaseline: false,
  initialState: () => ({}),
  evaluate(event, state) {
    const lists = event.intel?.anonymous ?? [];
    if (!event.interactive || lists.length === 0 || event.intel?.trusted) return { drafts: [], state };
    const ip = event.location?.ip ?? 'unknown IP';
    const where = [event.location?.city, event.location?.countryName].filter(Boolean).join(', ') || 'unknown location';
    const who = event.actor.email ?? event.actor.name ?? event.actor.id;
    return {
      state,
      drafts: [
        {
          title: `${who}: activity from an anonymous IP (${ip})`,
          summary: `${who} performed "${event.actionName ?? event.action}" from ${ip} (${where}), which is on ${lists.join(', ')}.`,
          evidence: [
            { label: 'IP', value: ip },
            { label: 'On list', value: lists.join(', ') },
            { label: 'Location', value: where },
            { label: 'Activity', value: event.actionName ?? event.action },
          ],
          facts: { ip, lists, country: event.location?.countryName, city: event.location?.city },
          eventIds: [event.id],
          time: event.time,
          event,
        },
      ],
    };
  },
};
