import { z } from 'zod';
import type { Alert } from '../domain/index.js';
import { distanceKm } from '../detections/lib/geo.js';
import { duration, num } from '../detections/lib/event.js';
import { countryByCode, countryByName } from '../enrich/countries.js';
import { ADVANCE, GLYPH_H, drawText, drawable } from './font.js';
import { LAND_RINGS } from './land-data.js';
import { encodeIndexedPng, type Rgb } from './png.js';
import { Canvas, fillRings } from './raster.js';
import { frame, greatCircle, project, type LatLon, type MapWindow } from './sphere.js';

/** One end of the trip as the map shows it. `rough`: only the country's centroid is known. */
export interface TravelPlace extends LatLon {
  label: string;
  rough: boolean;
  t?: number;
}

/** What a travel map shows: where from (when known), where to, how far and how fast. */
export interface TravelMap {
  /** travel: two sign-ins (impossible-travel); new-country: a new country, `from` the user's last usual one. */
  kind: 'travel' | 'new-country';
  from?: TravelPlace;
  to: TravelPlace;
  km?: number;
  kmh?: number;
  ms?: number;
}

export const MAP_WIDTH = 480;
export const MAP_HEIGHT = 240;
const STRIP = 2 * (GLYPH_H + 4) + 4; // two caption lines under the map
/** The size budget of one map image (the tests hold the renderer to it; channels drop a bigger one). */
export const MAX_MAP_BYTES = 60 * 1024;

/** The detections whose alerts get a map. */
export const MAP_DETECTIONS: ReadonlySet<string> = new Set(['impossible-travel', 'infrequent-country']);

// Facts come back from the store (and once came from outside): checked, never trusted.
const Place = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  cc: z.string().max(100).optional(),
  place: z.string().max(300).optional(),
  t: z.number().finite().optional(),
  rough: z.boolean().optional(),
});
type Place = z.infer<typeof Place>;
const Figure = z.number().finite().nonnegative().optional().catch(undefined);
const TravelFacts = z.object({ from: Place, to: Place, distanceKm: Figure, speedKmh: Figure, minutes: Figure });
const CountryFacts = z.object({
  country: z.string().max(100),
  countryName: z.string().max(200).optional().catch(undefined),
  to: Place.optional().catch(undefined),
  previous: z.object({ country: z.string().max(100), at: z.number().finite() }).optional().catch(undefined),
});

const placeOf = (p: Place): TravelPlace => ({ lat: p.lat, lon: p.lon, label: p.place || p.cc || 'unknown', rough: !!p.rough, t: p.t });

function centroid(country: string, name: string | undefined, t: number | undefined, suffix = ''): TravelPlace | undefined {
  const c = countryByCode(country) ?? countryByName(name ?? country);
  return c && { lat: c.lat, lon: c.lon, label: `${c.name}${suffix}`, rough: true, t };
}

/** The map an alert's facts describe, or undefined (another detection, or facts without places). */
export function travelMapOf(alert: Pick<Alert, 'detection' | 'facts'>): TravelMap | undefined {
  if (alert.detection === 'impossible-travel') {
    const f = TravelFacts.safeParse(alert.facts);
    if (!f.success) return undefined;
    const [from, to] = [placeOf(f.data.from), placeOf(f.data.to)];
    const ms = f.data.minutes !== undefined ? f.data.minutes * 60_000 : from.t !== undefined && to.t !== undefined ? Math.abs(to.t - from.t) : undefined;
    return { kind: 'travel', from, to, km: f.data.distanceKm ?? distanceKm(from.lat, from.lon, to.lat, to.lon), kmh: f.data.speedKmh, ms };
  }
  if (alert.detection === 'infrequent-country') {
    const f = CountryFacts.safeParse(alert.facts);
    if (!f.success) return undefined;
    const to = f.data.to ? placeOf(f.data.to) : centroid(f.data.country, f.data.countryName, undefined);
    if (!to) return undefined;
    const prev = f.data.previous;
    const from = prev && centroid(prev.country, undefined, prev.at, ' (usual)');
    if (!from) return { kind: 'new-country', to };
    const km = distanceKm(from.lat, from.lon, to.lat, to.lon);
    const ms = to.t !== undefined ? to.t - prev.at : undefined;
    return { kind: 'new-country', from, to, km, ms, kmh: ms !== undefined && ms > 0 ? km / Math.max(ms / 3_600_000, 1 / 60) : undefined };
  }
  return undefined;
}

/** The caption, two lines: the places, then distance, time and implied speed. Also the image's alt text. */
export function travelCaption(m: TravelMap): [string, string] {
  const rough = m.from?.rough || m.to.rough;
  const places = m.from ? `${m.from.label} → ${m.to.label}` : `New country: ${m.to.label}`;
  const figures = [
    m.km !== undefined ? `${rough ? '~' : ''}${num(m.km)} km` : undefined,
    m.ms !== undefined ? (m.kind === 'new-country' ? `last used ${duration(m.ms)} earlier` : duration(m.ms)) : undefined,
    m.kmh !== undefined ? `${num(m.kmh)} km/h` : undefined,
  ].filter(Boolean);
  return [places, figures.join(' · ') || (rough ? 'country centroid (approximate)' : '')];
}

const PALETTE: readonly Rgb[] = [
  [198, 219, 236], // 0 sea
  [208, 223, 229], // 1–3 coast, sea → land
  [218, 226, 222],
  [229, 230, 216],
  [239, 234, 210], // 4 land
  [226, 88, 34], // 5 path
  [28, 110, 190], // 6 from
  [204, 36, 36], // 7 to
  [255, 255, 255], // 8 white
  [33, 37, 41], // 9 text
  [120, 130, 140], // 10 frame
];
const [SEA, LAND, PATH, FROM, TO, WHITE, TEXT, EDGE] = [0, 4, 5, 6, 7, 8, 9, 10];

let land: Array<Array<[number, number]>> | undefined;
/** The bundled land rings in degrees (decoded once). */
function landRings(): Array<Array<[number, number]>> {
  land ??= LAND_RINGS.map((r) => {
    const out: Array<[number, number]> = [];
    for (let i = 0, x = 0, y = 0; i + 1 < r.length; i += 2) out.push([(x += r[i]!) / 10, (y += r[i + 1]!) / 10]);
    return out;
  });
  return land;
}

/** Land rings in pixels: each ring drawn at -360°, 0 and +360° so a window across the antimeridian has no gap. */
function landInPixels(win: MapWindow): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  for (const ring of landRings())
    for (const shift of [-360, 0, 360]) {
      const px = ring.map(([lon, lat]) => project(win, lon + shift, lat));
      if (px.some((p) => p[0] >= 0) && px.some((p) => p[0] <= MAP_WIDTH)) out.push(px);
    }
  return out;
}

function marker(c: Canvas, win: MapWindow, p: TravelPlace, colour: number): [number, number] {
  const [x, y] = project(win, p.lon, p.lat);
  c.disc(x, y, 6.5, WHITE);
  c.disc(x, y, 5, colour);
  if (p.rough) c.disc(x, y, 2, WHITE); // a ring: only the country is known
  return [x, y];
}

const MAX_CHARS = Math.floor((MAP_WIDTH - 12) / ADVANCE);
const clip = (text: string, max: number) => (drawable(text).length > max ? `${drawable(text).slice(0, Math.max(1, max - 2))}..` : text);

/** The caption under the map: the places in their markers' colours (the key), then the figures. */
function caption(c: Canvas, m: TravelMap): void {
  const [, figures] = travelCaption(m);
  const parts: Array<[string, number]> = m.from
    ? [[m.from.label, FROM], [' → ', TEXT], [m.to.label, TO]]
    : [['New country: ', TEXT], [m.to.label, TO]];
  const fixed = m.from ? 3 : 13;
  const each = Math.floor((MAX_CHARS - fixed) / (m.from ? 2 : 1));
  let x = 6;
  const y = MAP_HEIGHT + 5;
  for (const [text, colour] of parts) {
    const shown = colour === TEXT ? text : clip(text, each);
    drawText(shown, x, y, (px, py) => c.set(px, py, colour));
    x += drawable(shown).length * ADVANCE;
  }
  drawText(clip(figures, MAX_CHARS), 6, y + GLYPH_H + 4, (px, py) => c.set(px, py, TEXT));
}

/** Draws the map of `m` as a palette PNG (480×266, a few kilobytes). */
export function drawTravelMap(m: TravelMap): Buffer {
  const from = m.from;
  const path = from ? greatCircle(from, m.to) : [m.to, m.to];
  const to = path[path.length - 1]!; // the destination with its unwrapped longitude
  const win = frame(path, MAP_WIDTH, MAP_HEIGHT, from ? 50 : 110);
  const c = new Canvas(MAP_WIDTH, MAP_HEIGHT + STRIP, SEA);
  fillRings(c, landInPixels(win), [SEA, 1, 2, 3, LAND]);
  if (from) c.polyline(path.map((p) => project(win, p.lon, p.lat)), 2.2, PATH);
  if (from) marker(c, win, { ...from, lon: path[0]!.lon }, FROM);
  marker(c, win, { ...m.to, lon: to.lon }, TO);
  c.rect(0, MAP_HEIGHT, MAP_WIDTH, STRIP, WHITE);
  caption(c, m);
  c.rect(0, 0, MAP_WIDTH, 1, EDGE);
  c.rect(0, MAP_HEIGHT + STRIP - 1, MAP_WIDTH, 1, EDGE);
  c.rect(0, 0, 1, MAP_HEIGHT + STRIP, EDGE);
  c.rect(MAP_WIDTH - 1, 0, 1, MAP_HEIGHT + STRIP, EDGE);
  c.rect(0, MAP_HEIGHT, MAP_WIDTH, 1, EDGE);
  return encodeIndexedPng(c.width, c.height, PALETTE, c.pixels);
}

/** The travel map of an alert as a PNG, or undefined when the alert has none. Pure: no I/O. */
export function renderTravelMap(alert: Pick<Alert, 'detection' | 'facts'>): Buffer | undefined {
  if (!MAP_DETECTIONS.has(alert.detection)) return undefined;
  const m = travelMapOf(alert);
  return m && drawTravelMap(m);
}
