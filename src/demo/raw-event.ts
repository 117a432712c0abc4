import { DEMO_SITE, type DemoUser } from './org.js';
import type { Place } from './places.js';
import type { Rng } from './prng.js';

export const SYSTEM_ACTOR = { id: 'atlassian-internal-system', name: 'Atlassian Internal System' };
const API = 'https://api.atlassian.com/admin/v1/orgs/demo-org';

export interface EventSpec {
  time: number;
  /** Delay until Atlassian processed it (ms). */
  delay: number;
  action: string;
  message: string;
  actor: DemoUser | 'system';
  /** API token used (actor.auth). */
  token?: { id: string; label: string };
  place?: Place;
  ip?: string;
  targets?: DemoUser[];
  onSite?: boolean;
}

export interface RawDemoEvent {
  id: string;
  type: 'events';
  attributes: Record<string, unknown> & { time: string; processedAt: string };
  links: { self: string };
  message: { content: string; format: 'simple' };
}

/** One org audit event in the exact shape of GET /v1/orgs/{orgId}/events-stream (see shared/reference/atlassian.md §1.4). */
export function rawEvent(rng: Rng, s: EventSpec): RawDemoEvent {
  const id = rng.uuid();
  const actor =
    s.actor === 'system'
      ? { id: SYSTEM_ACTOR.id, name: SYSTEM_ACTOR.name }
      : {
          id: s.actor.id,
          name: s.actor.name,
          email: s.actor.email,
          ...(s.token ? { auth: { authType: 'container-token', tokenId: s.token.id, tokenLabel: s.token.label } } : {}),
          links: { self: `${API}/directory/users/${s.actor.id}` },
        };
  const attributes: RawDemoEvent['attributes'] = {
    time: new Date(s.time).toISOString(),
    processedAt: new Date(s.time + s.delay).toISOString(),
    action: s.action,
    actor,
    context: (s.targets ?? []).map((t) => ({
      id: t.id,
      type: 'users',
      attributes: { email: t.email, name: t.name, accountType: 'atlassian' },
      links: { self: `${API}/directory/users/${t.id}` },
    })),
    container: s.onSite
      ? [
          {
            id: DEMO_SITE.id,
            type: 'sites',
            attributes: { siteHostName: `https://${DEMO_SITE.host}`, siteName: DEMO_SITE.name },
            links: { alt: `https://${DEMO_SITE.host}` },
          },
        ]
      : [],
  };
  if (s.place && s.ip) {
    attributes.location = {
      ip: s.ip,
      geo: `${s.place.lat},${s.place.lon}`,
      countryName: s.place.country,
      regionName: s.place.region,
      city: s.place.city,
    };
  }
  return { id, type: 'events', attributes, links: { self: `${API}/events/${id}` }, message: { content: s.message, format: 'simple' } };
}
