import type { Detection } from '../types.js';
import { activity, isInteractive, where, who } from './event.js';

/**
 * The shape shared by the IP-list detections (anonymous-ip, suspicious-ip): enrichment marks the event with the
 * names of the lists holding its IP; the detection fires on interactive activity from a listed IP, skips trusted
 * networks, and has no baseline and no sensitivity levels (the list decides).
 */
export function ipListDetection(spec: {
  id: string;
  title: string;
  severity: Detection['severity'];
  mitre: string[];
  runbook: string;
  /** Which enrichment mark to read. */
  mark: 'anonymous' | 'suspicious';
  /** "an anonymous IP", "a suspicious IP". */
  noun: string;
}): Detection {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    mitre: spec.mitre,
    runbook: spec.runbook,
    windowMs: 6 * 3_600_000,
    needsBaseline: false,
    accepts: (e) => (e.intel?.[spec.mark]?.length ?? 0) > 0 && !e.intel?.trusted && isInteractive(e),
    evaluate(event) {
      const lists = event.intel?.[spec.mark] ?? [];
      const ip = event.location?.ip ?? 'unknown IP';
      const place = where(event);
      return [
        {
          title: `${who(event)}: activity from ${spec.noun} (${ip})`,
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
}
