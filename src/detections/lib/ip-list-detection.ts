import type { Detection } from '../types.js';
import { activity, isInteractive, where } from './event.js';
import { machineOf, whoWith } from './machine.js';

/**
 * The shape shared by the IP-list detections (anonymous-ip, suspicious-ip): enrichment marks the event with the
 * names of the lists holding its IP; the detection fires on interactive activity, and on API-token and app use
 * (a stolen token is the likeliest compromise), from a listed IP; skips trusted networks, failed logins and the
 * system actor, and has no baseline and no sensitivity levels (the list decides).
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
    accepts: (e) => (e.intel?.[spec.mark]?.length ?? 0) > 0 && !e.intel?.trusted && (isInteractive(e) || machineOf(e) !== undefined),
    evaluate(event) {
      const lists = event.intel?.[spec.mark] ?? [];
      const ip = event.location?.ip ?? 'unknown IP';
      const place = where(event);
      const machine = machineOf(event);
      return [
        {
          title: `${whoWith(event)}: activity from ${spec.noun} (${ip})`,
          summary: `${whoWith(event)} performed "${activity(event)}" from ${ip} (${place}), which is on ${lists.join(', ')}.`,
          evidence: [
            { label: 'IP', value: ip },
            { label: 'On list', value: lists.join(', ') },
            { label: 'Location', value: place },
            { label: 'Activity', value: activity(event) },
            ...(machine ? [{ label: machine.kind === 'token' ? 'API token' : 'App', value: machine.label }] : []),
          ],
          facts: { ip, lists, country: event.location?.countryName, city: event.location?.city, ...(machine ? { machine: machine.key } : {}) },
          eventIds: [event.id],
          time: event.time,
          event,
        },
      ];
    },
  };
}
