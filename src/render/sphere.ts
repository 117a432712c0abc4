/** Spherical geometry for the travel map: the great-circle path and the map window that shows it. */

export interface LatLon {
  lat: number;
  lon: number;
}

const RAD = Math.PI / 180;

function toVec({ lat, lon }: LatLon): [number, number, number] {
  const φ = lat * RAD;
  const λ = lon * RAD;
  return [Math.cos(φ) * Math.cos(λ), Math.cos(φ) * Math.sin(λ), Math.sin(φ)];
}

/**
 * `n + 1` points along the shorter great circle from a to b (spherical interpolation), with longitudes unwrapped:
 * each step takes the short way round, so the path may leave [-180, 180] (Tokyo → Los Angeles runs 139.7° → 241.8°)
 * instead of jumping across the map. Antipodal points have no single shortest path: one by way of the equator is
 * taken (not over a pole, where the map would jump). Identical points give a path of one point repeated.
 */
export function greatCircle(a: LatLon, b: LatLon, n = 96): LatLon[] {
  const va = toVec(a);
  const vb = toVec(b);
  const dot = Math.max(-1, Math.min(1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
  if (dot < -0.999999) {
    // Antipodes: by way of the equator 90° east of a (that circle peaks at a's latitude, so it misses the poles).
    const via = { lat: 0, lon: a.lon + 90 };
    return [...greatCircle(a, via, Math.ceil(n / 2)), ...greatCircle(via, b, Math.floor(n / 2)).slice(1)].map(unwrapFrom(a.lon));
  }
  const d = Math.acos(dot);
  const s = Math.sin(d);
  const out: LatLon[] = [];
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    const ka = s < 1e-9 ? 1 - f : Math.sin((1 - f) * d) / s;
    const kb = s < 1e-9 ? f : Math.sin(f * d) / s;
    const [x, y, z] = [0, 1, 2].map((k) => ka * va[k]! + kb * vb[k]!) as [number, number, number];
    out.push({ lat: Math.atan2(z, Math.hypot(x, y)) / RAD, lon: Math.atan2(y, x) / RAD });
  }
  return out.map(unwrapFrom(a.lon));
}

/** Makes successive longitudes continuous, starting at `start`. */
function unwrapFrom(start: number): (p: LatLon) => LatLon {
  let prev = start;
  return (p) => {
    let lon = p.lon;
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    prev = lon;
    return { lat: p.lat, lon };
  };
}

/** A plate carrée window: west edge, north edge and degrees per pixel (the same both ways). */
export interface MapWindow {
  west: number;
  north: number;
  degPerPx: number;
}

/**
 * The window of a `width`×`height` map that frames the path with a margin: at least `minSpan` degrees wide,
 * at most the whole world, centred on the path and kept inside ±90° latitude.
 */
export function frame(path: readonly LatLon[], width: number, height: number, minSpan = 50): MapWindow {
  let [w, e, s, n] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of path) [w, e, s, n] = [Math.min(w, p.lon), Math.max(e, p.lon), Math.min(s, p.lat), Math.max(n, p.lat)];
  const aspect = width / height;
  let spanLon = Math.max(minSpan, (e - w) * 1.35 + 12, ((n - s) * 1.35 + 12) * aspect);
  spanLon = Math.min(spanLon, 360, 180 * aspect);
  const spanLat = spanLon / aspect;
  const midLat = Math.max(-90 + spanLat / 2, Math.min(90 - spanLat / 2, (n + s) / 2));
  return { west: (w + e) / 2 - spanLon / 2, north: midLat + spanLat / 2, degPerPx: spanLon / width };
}

/** Pixel coordinates of a point in the window (x may fall outside for points off the map). */
export function project(win: MapWindow, lon: number, lat: number): [number, number] {
  return [(lon - win.west) / win.degPerPx, (win.north - lat) / win.degPerPx];
}
