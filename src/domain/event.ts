import { z } from 'zod';

/** Where an event came from. */
export const EventSource = z.enum(['atlassian-org', 'webhook', 'replay', 'demo']);
export type EventSource = z.infer<typeof EventSource>;

export const EventActor = z.object({
  /** Atlassian account id; the identity key for every per-user baseline. */
  id: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
  /** Present when the action was made with an API token (`actor.auth`). */
  token: z.object({ id: z.string().optional(), label: z.string().optional(), type: z.string().optional() }).optional(),
  /** Present when an app or agent acted on behalf of this actor (`actor.onBehalfOf`). */
  onBehalfOf: z.object({ id: z.string().optional(), email: z.string().optional(), name: z.string().optional() }).optional(),
});
export type EventActor = z.infer<typeof EventActor>;

export const EventTarget = z.object({
  type: z.string(),
  id: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});
export type EventTarget = z.infer<typeof EventTarget>;

export const EventLocation = z.object({
  ip: z.string().optional(),
  countryName: z.string().optional(),
  /** ISO-3166 alpha-2, filled by enrichment (the API gives only the English country name). */
  countryCode: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  lat: z.number().optional(),
  lon: z.number().optional(),
  /** How lat/lon were obtained: from the event's geo, a city/IP database, or the country centroid. */
  geoSource: z.enum(['event', 'city', 'ip', 'country']).optional(),
});
export type EventLocation = z.infer<typeof EventLocation>;

export const NormalizedEvent = z.object({
  id: z.string().min(1),
  /** When the activity happened, epoch ms. Detections window on this. */
  time: z.number(),
  /** When Atlassian processed it, epoch ms (events-stream sorts and pages on this). Equals time when unknown. */
  processedAt: z.number(),
  source: EventSource,
  /** Action key, e.g. `user_logged_in_as_user`. */
  action: z.string(),
  /** Display name from /event-actions, when known. */
  actionName: z.string().optional(),
  actor: EventActor,
  /** True for an activity by a real person: not the Atlassian system actor, not an API token, not a failed login. */
  interactive: z.boolean(),
  targets: z.array(EventTarget),
  /** Site or workspace where it happened (`container[]`). */
  site: z.object({ id: z.string().optional(), host: z.string().optional(), name: z.string().optional() }).optional(),
  location: EventLocation.optional(),
  message: z.string().optional(),
  /** Filled by enrichment: which IP lists matched. Detections read this; they never look anything up. */
  intel: z
    .object({
      /** Names of anonymiser lists (Tor, VPN/proxy) containing the IP. */
      anonymous: z.array(z.string()).optional(),
      /** Names of threat-intelligence lists containing the IP. */
      suspicious: z.array(z.string()).optional(),
      /** The IP is inside VIGIL_TRUSTED_NETWORKS (corporate egress, VPN concentrators). */
      trusted: z.boolean().optional(),
    })
    .optional(),
  /** The original event object, untouched. */
  raw: z.unknown(),
});
export type NormalizedEvent = z.infer<typeof NormalizedEvent>;
