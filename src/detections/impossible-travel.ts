import type { NormalizedEvent } from '../domain/index.js';
import { bordering } from './lib/borders.js';
import { countryOf, duration, isInteractive, iso, num, recentCountries, who } from './lib/event.js';
import { distanceKm } from './lib/geo.js';
import { insertSorted, pruneBefore } from './lib/window.js';
import type { AlertDraft, Detection, DetectionContext, Sensitivity } from './types.js';

const HOUR = 3_600_000;
const BASELINE = 30 * 24 * HOUR;

/** Thresholds per sensitivity (the issue's table). */
export const TRAVEL_LEVELS: Record<Sensitivity, { minKm: number; minKmh: number; bordersCount: boolean; knownCountriesSuppress: boolean }> = {
  low: { minKm: 1000, minKmh: 1500, bordersCount: false, knownCountriesSuppress: true },
  medium: { minKm: 500, minKmh: 1000, bordersCount: false, knownCountriesSuppress: false },
  high: { minKm: 300, minKmh: 800, bordersCount: true, knownCountriesSuppress: false },
};

interface Point {
  t: number;
  id: string;
  lat: number;
  lon: number;
  cc: string;
  place: string;
  ip?: string;
  trusted: boolean;
  /** Coordinates are only the country's centroid. */
  rough: boolean;
}
interface TravelState {
  pts: Point[];
}

function pointOf(e: NormalizedEvent): Point {
  const l = e.location!;
  return {
    t: e.time,
    id: e.id,
    lat: l.lat!,
    lon: l.lon!,
    cc: countryOf(e)!,
    place: [l.city, l.countryName ?? l.countryCode].filter(Boolean).join(', '),
    ...(l.ip ? { ip: l.ip } : {}),
    trusted: !!e.intel?.trusted,
    rough: l.geoSource === 'country',
  };
}

const sameSpot = (a: Point | undefined, b: Point | undefined) =>
  !!a && !!b && a.cc === b.cc && a.ip === b.ip && a.lat === b.lat && a.lon === b.lon && a.trusted === b.trusted;

/**
 * Drop a point whose neighbours, at most 2 hours apart, are at the same spot (state stays small: it is saved
 * with every checkpoint). A late event inside that span still meets a neighbour at that spot, at most 2 hours
 * away, so implied speeds stay close to exact.
 */
function collapse(pts: Point[], i: number): void {
  for (let j = i - 1; j <= i + 1; j++) {
    if (j < 1 || j >= pts.length - 1 || pts[j + 1]!.t - pts[j - 1]!.t > 2 * HOUR) continue;
    if (sameSpot(pts[j - 1], pts[j]) && sameSpot(pts[j], pts[j + 1])) {
      pts.splice(j, 1);
      return;
    }
  }
}

function check(a: Point, b: Point, event: NormalizedEvent, ctx: DetectionContext): AlertDraft | undefined {
  if (a.cc === b.cc) return undefined;
  if (a.ip !== undefined && a.ip === b.ip) return undefined; // one IP cannot be in two places: the geolocation moved
  if (a.trusted && b.trusted) return undefined;
  const lvl = TRAVEL_LEVELS[ctx.settings.sensitivity];
  if (!lvl.bordersCount && bordering(a.cc, b.cc)) return undefined;
  const km = distanceKm(a.lat, a.lon, b.lat, b.lon);
  if (km < lvl.minKm) return undefined;
  const gap = b.t - a.t;
  const kmh = km / Math.max(gap / HOUR, 1 / 60);
  if (kmh <= lvl.minKmh) return undefined;
  const known = (cc: string) => (ctx.userCountries[cc] ?? -Infinity) >= b.t - BASELINE;
  if (lvl.knownCountriesSuppress && known(a.cc) && known(b.cc)) return undefined;
  const usual = recentCountries(ctx.userCountries, b.t, BASELINE);
  const line = (p: Point) => `${p.place || p.cc}${p.ip ? ` (${p.ip})` : ''} at ${iso(p.t)}`;
  return {
    title: `${who(event)}: impossible travel ${a.place || a.cc} → ${b.place || b.cc}`,
    summary: `${who(event)} was active in ${a.place || a.cc} and ${duration(gap)} later in ${b.place || b.cc}, ${num(km)} km apart (${num(kmh)} km/h).`,
    evidence: [
      { label: 'From', value: line(a) },
      { label: 'To', value: line(b) },
      { label: 'Distance', value: `${num(km)} km${a.rough || b.rough ? ' (country centroid: approximate)' : ''}` },
      { label: 'Time between', value: duration(gap) },
      { label: 'Implied speed', value: `${num(kmh)} km/h` },
      { label: 'Usual countries (30 d)', value: usual.join(', ') || 'none yet' },
    ],
    facts: { from: a, to: b, distanceKm: Math.round(km), minutes: Math.round(gap / 60_000), speedKmh: Math.round(kmh), usualCountries: usual },
    eventIds: [a.id, b.id],
    ips: [a.ip, b.ip].filter((x): x is string => x !== undefined),
    time: b.t,
    firstTime: a.t,
    event,
  };
}

/**
 * Two successive interactive activities of one user from places no one could travel between in the time
 * (Defender for Cloud Apps' country-level model). Late events are placed by their own time and checked against
 * both neighbours. Same country never counts; bordering countries only at high sensitivity; trusted networks on
 * both sides and the same IP on both sides suppress.
 */
export const impossibleTravel: Detection<TravelState> = {
  id: 'impossible-travel',
  title: 'Impossible travel',
  severity: 'high',
  mitre: ['T1078', 'TA0001'],
  runbook:
    'Ask the user whether they used a VPN or were travelling. If neither explains it, require re-sign-in, reset the password and review both sessions; suspend if the far session is not theirs.',
  windowMs: 24 * HOUR,
  needsBaseline: true,
  accepts: (e) => e.location?.lat !== undefined && e.location.lon !== undefined && countryOf(e) !== undefined && isInteractive(e),
  initialState: () => ({ pts: [] }),
  cloneState: (s) => ({ pts: s.pts.slice() }),
  evaluate(event, state, ctx) {
    const p = pointOf(event);
    const i = insertSorted(state.pts, p);
    const drafts: AlertDraft[] = [];
    const prev = state.pts[i - 1];
    const next = state.pts[i + 1];
    const before = prev && check(prev, p, event, ctx);
    if (before) drafts.push(before);
    const after = next && check(p, next, event, ctx);
    if (after) drafts.push(after);
    collapse(state.pts, i);
    pruneBefore(state.pts, state.pts[state.pts.length - 1]!.t - 2 * 24 * HOUR, 24);
    return drafts;
  },
};
