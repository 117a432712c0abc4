import { configureDetections } from '../../src/detections/configure.js';
import { initialEngineState, runDetections, type EngineState } from '../../src/detections/engine.js';
import type { SettingsOverride } from '../../src/detections/settings.js';
import type { AnyDetection, Sensitivity } from '../../src/detections/types.js';
import type { Alert, NormalizedEvent } from '../../src/domain/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Monday 2026-10-05 00:00 UTC. */
export const T0 = Date.UTC(2026, 9, 5);
/** A time well after both learning periods for users first seen at T0. */
export const AFTER = T0 + 10 * DAY;

export interface Place {
  city: string;
  countryName: string;
  countryCode: string;
  lat: number;
  lon: number;
  ip: string;
}
export const P = {
  london: { city: 'London', countryName: 'United Kingdom', countryCode: 'GB', lat: 51.507, lon: -0.128, ip: '81.2.69.10' },
  manchester: { city: 'Manchester', countryName: 'United Kingdom', countryCode: 'GB', lat: 53.48, lon: -2.242, ip: '81.3.1.1' },
  paris: { city: 'Paris', countryName: 'France', countryCode: 'FR', lat: 48.857, lon: 2.352, ip: '90.80.1.1' },
  geneva: { city: 'Geneva', countryName: 'Switzerland', countryCode: 'CH', lat: 46.204, lon: 6.143, ip: '85.0.1.1' },
  annemasse: { city: 'Annemasse', countryName: 'France', countryCode: 'FR', lat: 46.193, lon: 6.234, ip: '90.82.1.1' },
  berlin: { city: 'Berlin', countryName: 'Germany', countryCode: 'DE', lat: 52.52, lon: 13.405, ip: '91.64.1.1' },
  warsaw: { city: 'Warsaw', countryName: 'Poland', countryCode: 'PL', lat: 52.23, lon: 21.012, ip: '83.0.1.1' },
  newYork: { city: 'New York', countryName: 'United States', countryCode: 'US', lat: 40.713, lon: -74.006, ip: '73.10.1.1' },
  tokyo: { city: 'Tokyo', countryName: 'Japan', countryCode: 'JP', lat: 35.676, lon: 139.65, ip: '126.0.1.1' },
  saoPaulo: { city: 'São Paulo', countryName: 'Brazil', countryCode: 'BR', lat: -23.55, lon: -46.633, ip: '177.32.1.1' },
  lisbon: { city: 'Lisbon', countryName: 'Portugal', countryCode: 'PT', lat: 38.722, lon: -9.139, ip: '89.152.1.1' },
} satisfies Record<string, Place>;

let seq = 0;
export interface EventInput {
  time: number;
  actor?: string;
  action?: string;
  actionName?: string;
  at?: Place;
  ip?: string;
  interactive?: boolean;
  token?: boolean;
  target?: string;
  site?: string;
  message?: string;
  intel?: NormalizedEvent['intel'];
  id?: string;
}

/** A normalised, enriched event (what detections see). Actor "alice" → alice@example.com. */
export function ev(i: EventInput): NormalizedEvent {
  const actor = i.actor ?? 'alice';
  const at = i.at;
  return {
    id: i.id ?? `e${++seq}`,
    time: i.time,
    processedAt: i.time,
    source: 'replay',
    action: i.action ?? 'user_login',
    ...(i.actionName ? { actionName: i.actionName } : {}),
    actor: { id: `acc-${actor}`, email: `${actor}@example.com`, name: actor, ...(i.token ? { token: { id: 't1', label: 'ci' } } : {}) },
    interactive: i.interactive ?? !i.token,
    targets: i.target ? [{ type: 'users', id: `acc-${i.target}`, email: `${i.target}@example.com` }] : [],
    ...(i.site ? { site: { host: i.site, name: i.site.split('.')[0] } } : {}),
    ...(at
      ? { location: { ip: i.ip ?? at.ip, city: at.city, countryName: at.countryName, countryCode: at.countryCode, lat: at.lat, lon: at.lon, geoSource: 'event' as const } }
      : i.ip
        ? { location: { ip: i.ip } }
        : {}),
    ...(i.message ? { message: i.message } : {}),
    ...(i.intel ? { intel: i.intel } : {}),
    raw: {},
  };
}

/** Activity for `actor` from `at` once a day for `days` days from `from` (learns the user and their country). */
export function history(actor: string, at: Place, from = T0, days = 9, hour = 9): NormalizedEvent[] {
  return Array.from({ length: days }, (_, d) => ev({ time: from + d * DAY + hour * HOUR, actor, at }));
}

export interface RunOptions {
  sensitivity?: Sensitivity;
  /** Only these detection ids (default: all built-in + default pack). */
  only?: string[];
  overrides?: Record<string, SettingsOverride>;
  exclude?: { users?: string[]; ips?: string[]; sites?: string[] };
  state?: EngineState;
  extra?: AnyDetection[];
}

/** Run events (sorted by time, like the pipeline) and return the final version of every alert. */
export function run(events: NormalizedEvent[], o: RunOptions = {}): { alerts: Alert[]; state: EngineState } {
  const opts = configureDetections({
    sensitivity: o.sensitivity ?? 'medium',
    policy: { ...(o.overrides ? { detections: o.overrides } : {}), ...(o.exclude ? { exclude: o.exclude } : {}) },
    compileIps: (l) => parseIpList('x', l.join('\n')).list.has,
  });
  const detections = [...opts.detections, ...(o.extra ?? [])].filter((d) => !o.only || o.only.includes(d.id));
  const r = runDetections([...events].sort((a, b) => a.time - b.time), o.state ?? initialEngineState(), { detections, settings: opts.settings });
  return r;
}

/** Feed events one at a time in the given (arrival) order, carrying state: how late events reach the engine. */
export function runInArrivalOrder(events: NormalizedEvent[], o: RunOptions = {}): Alert[] {
  let state = o.state ?? initialEngineState();
  const alerts = new Map<string, Alert>();
  for (const e of events) {
    const r = run([e], { ...o, state });
    state = r.state;
    for (const a of r.alerts) alerts.set(a.id, a);
  }
  return [...alerts.values()];
}

export const ids = (alerts: Alert[], detection: string) => alerts.filter((a) => a.detection === detection);
