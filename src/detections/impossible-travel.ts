import type { NormalizedEvent } from '../domain/index.js';
import { bordering } from './lib/borders.js';
import { countryOf, duration, isInteractive, iso, num, recentCountries, who } from './lib/event.js';
import { distanceKm } from './lib/geo.js';
import { USUAL_MIN_DAYS, isUsual, placeKey, recordPlace, revivePlaces, usualPlaces, type PlaceDays } from './lib/places.js';
import { insertSorted, pruneBefore } from './lib/window.js';
import type { AlertDraft, Detection, DetectionContext, Sensitivity } from './types.js';

const HOUR = 3_600_000;
const BASELINE = 30 * 24 * HOUR;

/**
 * Thresholds per sensitivity. `usualPlacesSuppress`: a trip between two of the user's usual places (country and
 * network used on USUAL_MIN_DAYS distinct days of the baseline) is not an alert. `knownCountriesSuppress`: nor
 * is a trip between two countries the user used at all in the baseline (low: a superset of usual places).
 */
export const TRAVEL_LEVELS: Record<
  Sensitivity,
  { minKm: number; minKmh: number; bordersCount: boolean; usualPlacesSuppress: boolean; knownCountriesSuppress: boolean }
> = {
  low: { minKm: 1000, minKmh: 1500, bordersCount: false, usualPlacesSuppress: true, knownCountriesSuppress: true },
  medium: { minKm: 500, minKmh: 1000, bordersCount: false, usualPlacesSuppress: true, knownCountriesSuppress: false },
  high: { minKm: 300, minKmh: 800, bordersCount: true, usualPlacesSuppress: false, knownCountriesSuppress: false },
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
  /** Usual places (see lib/places.ts); absent in states saved before it existed. */
  places?: PlaceDays;
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

function check(a: Point, b: Point, event: NormalizedEvent, ctx: DetectionContext, places: PlaceDays): AlertDraft | undefined {
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
  const usualSide = (p: Point) => isUsual(places, placeKey(p.cc, p.ip), b.t);
  const bothUsual = usualSide(a) && usualSide(b);
  if (lvl.usualPlacesSuppress && bothUsual) return undefined;
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
      { label: 'Countries used (30 d)', value: usual.join(', ') || 'none yet' },
      { label: 'Usual places (30 d)', value: usualLine(a, b, places, bothUsual) },
    ],
    facts: {
      from: a,
      to: b,
      distanceKm: Math.round(km),
      minutes: Math.round(gap / 60_000),
      speedKmh: Math.round(kmh),
      usualCountries: usual,
      usualPlaces: usualPlaces(places, b.t),
    },
    eventIds: [a.id, b.id],
    ips: [a.ip, b.ip].filter((x): x is string => x !== undefined),
    time: b.t,
    firstTime: a.t,
    event,
  };
}

/** Which places were usual (on ≥ USUAL_MIN_DAYS days) and which side of the trip is not among them. */
function usualLine(a: Point, b: Point, places: PlaceDays, bothUsual: boolean): string {
  const list = usualPlaces(places, b.t);
  const head = list.length ? list.join(', ') : `none yet (a place is usual after ${USUAL_MIN_DAYS} days)`;
  if (bothUsual) return `${head}; both sides usual (high sensitivity alerts anyway)`;
  const side = (p: Point) => `${p.place || p.cc} (${placeKey(p.cc, p.ip)})`;
  const not = [a, b].filter((p) => !isUsual(places, placeKey(p.cc, p.ip), b.t)).map(side);
  return `${head}; not usual: ${not.join(' and ')}`;
}

/**
 * Two successive interactive activities of one user from places no one could travel between in the time
 * (Defender for Cloud Apps' country-level model). Late events are placed by their own time and checked against
 * both neighbours. Same country never counts; bordering countries only at high sensitivity; trusted networks on
 * both sides and the same IP on both sides suppress; at medium and low, so does a trip between two usual places.
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
  initialState: () => ({ pts: [], places: revivePlaces(undefined) }),
  cloneState: (s) => ({ pts: s.pts.slice(), places: revivePlaces(s.places) }),
  evaluate(event, state, ctx) {
    // A state saved before usual places existed, or read back from JSON (a plain object): make it a checked map.
    if (!state.places || Object.getPrototypeOf(state.places) !== null) state.places = revivePlaces(state.places);
    const places = state.places;
    const p = pointOf(event);
    const i = insertSorted(state.pts, p);
    const drafts: AlertDraft[] = [];
    const prev = state.pts[i - 1];
    const next = state.pts[i + 1];
    const before = prev && check(prev, p, event, ctx, places);
    if (before) drafts.push(before);
    const after = next && check(p, next, event, ctx, places);
    if (after) drafts.push(after);
    recordPlace(places, placeKey(p.cc, p.ip), p.t);
    collapse(state.pts, i);
    pruneBefore(state.pts, state.pts[state.pts.length - 1]!.t - 2 * 24 * HOUR, 24);
    return drafts;
  },
};
