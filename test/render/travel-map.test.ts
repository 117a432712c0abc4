import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distanceKm } from '../../src/detections/lib/geo.js';
import { encodeIndexedPng } from '../../src/render/png.js';
import { frame, greatCircle, project } from '../../src/render/sphere.js';
import { MAP_HEIGHT, MAP_WIDTH, MAX_MAP_BYTES, renderTravelMap, travelCaption, travelMapOf } from '../../src/render/travel-map.js';
import { decodePng, differingPixels, type DecodedPng } from './png-decode.js';
import { LOS_ANGELES, TOKYO, TRIPS, travel } from './trips.js';

const PATH_RGB = [226, 88, 34];
const isPath = (img: DecodedPng, x: number, y: number) => img.rgb(x, y).every((v, i) => v === PATH_RGB[i]);

/** Compare with the committed golden PNG within a pixel tolerance; UPDATE_GOLDEN=1 (or no golden yet) writes it. */
function expectGoldenPng(name: string, png: Buffer, maxDifferingShare = 0.002, file = new URL(`./golden/${name}.png`, import.meta.url)): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, png);
  const want = decodePng(readFileSync(file));
  const got = decodePng(png);
  expect([got.width, got.height]).toEqual([want.width, want.height]);
  expect(differingPixels(got, want)).toBeLessThanOrEqual(Math.floor(got.width * got.height * maxDifferingShare));
}

describe('the PNG encoder', () => {
  it('writes an indexed PNG (colour type 3) that an independent decoder reads back pixel for pixel', () => {
    const palette = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [10, 20, 30]] as const;
    const pixels = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 7 + (i >> 2)) % 4);
    const img = decodePng(encodeIndexedPng(7, 5, palette, pixels));
    expect([img.width, img.height, img.colourType, img.bitDepth]).toEqual([7, 5, 3, 8]);
    expect([...img.indices]).toEqual([...pixels]);
    expect(img.rgb(3, 0)).toEqual(palette[pixels[3]!]);
  });

  it('refuses an index outside the palette and a size that does not match the pixels', () => {
    expect(() => encodeIndexedPng(2, 1, [[0, 0, 0]], Uint8Array.from([0, 1]))).toThrow(/outside a 1-colour palette/);
    expect(() => encodeIndexedPng(2, 2, [[0, 0, 0]], new Uint8Array(3))).toThrow(/3 for 2×2/);
  });
});

describe('the great circle and the map window', () => {
  it('Tokyo → Los Angeles goes over the Pacific: no step jumps across the map, the window is centred on the ocean', () => {
    const path = greatCircle(TOKYO, LOS_ANGELES);
    const steps = path.slice(1).map((p, i) => Math.abs(p.lon - path[i]!.lon));
    expect(Math.max(...steps)).toBeLessThan(5);
    expect(path[0]!.lon).toBeCloseTo(139.69, 6);
    expect(path[path.length - 1]!.lon).toBeCloseTo(-118.24 + 360, 6); // unwrapped past 180°
    expect(Math.max(...path.map((p) => p.lat))).toBeGreaterThan(45); // the great circle bends north of both ends
    const win = frame(path, MAP_WIDTH, MAP_HEIGHT);
    const centre = win.west + (MAP_WIDTH * win.degPerPx) / 2;
    expect(centre).toBeGreaterThan(160);
    expect(centre).toBeLessThan(220);
    for (const p of [path[0]!, path[path.length - 1]!]) {
      const [x, y] = project(win, p.lon, p.lat);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(MAP_WIDTH);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(MAP_HEIGHT);
    }
  });

  it('the drawn path stays between the two markers (a line across the whole map would not)', () => {
    const img = decodePng(renderTravelMap(TRIPS.tokyoLosAngeles)!);
    const cols = new Set<number>();
    for (let y = 0; y < MAP_HEIGHT; y++) for (let x = 0; x < MAP_WIDTH; x++) if (isPath(img, x, y)) cols.add(x);
    const xs = [...cols].sort((a, b) => a - b);
    expect(xs.length).toBeGreaterThan(100);
    // One unbroken run of columns, well inside the map: no wrap-around segment at either edge.
    expect(xs[xs.length - 1]! - xs[0]!).toBe(xs.length - 1);
    expect(xs[0]).toBeGreaterThan(20);
    expect(xs[xs.length - 1]).toBeLessThan(MAP_WIDTH - 20);
  });

  it('the path is as long as the distance, for a trip across the antimeridian and one across the equator', () => {
    for (const [a, b] of [[TOKYO, LOS_ANGELES], [{ lat: 51.51, lon: -0.13 }, { lat: -33.87, lon: 151.21 }]] as const) {
      const path = greatCircle(a, b, 200);
      const along = path.slice(1).reduce((s, p, i) => s + distanceKm(path[i]!.lat, path[i]!.lon, p.lat, p.lon), 0);
      expect(along).toBeCloseTo(distanceKm(a.lat, a.lon, b.lat, b.lon), -1);
    }
  });

  it('antipodes and identical places give a finite path', () => {
    for (const [a, b] of [[{ lat: 10, lon: 20 }, { lat: -10, lon: -160 }], [TOKYO, TOKYO]] as const) {
      const path = greatCircle(a, b);
      expect(path.every((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon))).toBe(true);
      expect(Math.max(...path.slice(1).map((p, i) => Math.abs(p.lon - path[i]!.lon)))).toBeLessThan(10);
    }
  });
});

describe('the travel map', () => {
  it('matches the golden rendering within a pixel tolerance (UPDATE_GOLDEN=1 rewrites it)', () => {
    expectGoldenPng('tokyo-los-angeles', renderTravelMap(TRIPS.tokyoLosAngeles)!);
    expectGoldenPng('new-country-moscow', renderTravelMap(TRIPS.newCountry)!);
  });

  it('the picture in docs/detections.md is a real rendering (Berlin → São Paulo, the README card\'s trip)', () => {
    expectGoldenPng('docs', renderTravelMap(TRIPS.berlinSaoPaulo)!, 0.002, new URL('../../docs/images/travel-map.png', import.meta.url));
  });

  it('the tolerance is tight enough to notice another trip or a moved marker', () => {
    const golden = decodePng(readFileSync(new URL('./golden/tokyo-los-angeles.png', import.meta.url)));
    const other = decodePng(renderTravelMap(TRIPS.londonSydney)!);
    const moved = decodePng(renderTravelMap(travel('al_tokyo_la', { ...TOKYO, lat: 38 }, LOS_ANGELES, 125, 8_815))!);
    const budget = Math.floor(golden.width * golden.height * 0.002);
    expect(differingPixels(other, golden)).toBeGreaterThan(budget);
    expect(differingPixels(moved, golden)).toBeGreaterThan(budget);
  });

  it(`stays within the size budget (${MAX_MAP_BYTES / 1024} KB; in practice a few KB)`, () => {
    for (const trip of Object.values(TRIPS)) {
      const png = renderTravelMap(trip)!;
      expect(png.length).toBeLessThanOrEqual(MAX_MAP_BYTES);
      expect(png.length).toBeLessThan(12 * 1024); // what keeps the Teams card small
      const img = decodePng(png);
      expect([img.width, img.height]).toEqual([MAP_WIDTH, MAP_HEIGHT + 28]);
    }
  });

  it('captions the places, distance, time and implied speed', () => {
    expect(travelCaption(travelMapOf(TRIPS.tokyoLosAngeles)!)).toEqual(['Tokyo, Japan → Los Angeles, United States', '8,815 km · 2 h 5 min · 4,231 km/h']);
    const [places, figures] = travelCaption(travelMapOf(TRIPS.newCountry)!);
    expect(places).toBe('United States (usual) → Moscow, Russia');
    expect(figures).toMatch(/^~[\d,]+ km · last used 3 d(?: 0 h)? earlier · [\d,]+ km\/h$/);
  });

  it('an infrequent-country alert without coordinates or a usual country still gets its country on the map', () => {
    const m = travelMapOf({ detection: 'infrequent-country', facts: { country: 'BR', countryName: 'Brazil', usualCountries: [] } })!;
    expect(m).toMatchObject({ kind: 'new-country', to: { label: 'Brazil', rough: true } });
    expect(m.from).toBeUndefined();
    expect(travelCaption(m)).toEqual(['New country: Brazil', 'country centroid (approximate)']);
    expect(decodePng(renderTravelMap({ detection: 'infrequent-country', facts: { country: 'BR' } })!).width).toBe(MAP_WIDTH);
  });

  it('other detections and facts that are not places get no map', () => {
    expect(renderTravelMap({ detection: 'anonymous-ip', facts: TRIPS.tokyoLosAngeles.facts })).toBeUndefined();
    expect(renderTravelMap({ detection: 'impossible-travel', facts: {} })).toBeUndefined();
    const bad = (from: unknown) => renderTravelMap({ detection: 'impossible-travel', facts: { ...TRIPS.tokyoLosAngeles.facts, from } });
    expect(bad({ lat: 91, lon: 0 })).toBeUndefined();
    expect(bad({ lat: '35', lon: 139 })).toBeUndefined();
    expect(bad({ lat: Number.NaN, lon: 139 })).toBeUndefined();
    expect(renderTravelMap({ detection: 'infrequent-country', facts: { country: 'ZZ' } })).toBeUndefined(); // no such country
  });
});
