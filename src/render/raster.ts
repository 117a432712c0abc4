/** A small indexed-colour canvas: every pixel is a palette index. Enough to draw a map: fills, lines, discs. */
export class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background = 0,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  set(x: number, y: number, colour: number): void {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    if (xi >= 0 && yi >= 0 && xi < this.width && yi < this.height) this.pixels[yi * this.width + xi] = colour;
  }

  rect(x: number, y: number, w: number, h: number, colour: number): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, colour);
  }

  /** A filled disc centred at (cx, cy): every pixel whose centre is within r. */
  disc(cx: number, cy: number, r: number, colour: number): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++)
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++)
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) this.set(x, y, colour);
  }

  /** A line of the given width through the points, with round joins (discs stamped every half pixel). */
  polyline(pts: ReadonlyArray<readonly [number, number]>, width: number, colour: number): void {
    const r = width / 2;
    if (pts.length === 1) this.disc(pts[0]![0], pts[0]![1], r, colour);
    for (let i = 1; i < pts.length; i++) {
      const [x0, y0] = pts[i - 1]!;
      const [x1, y1] = pts[i]!;
      const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
      for (let k = 0; k <= steps; k++) this.disc(x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps, r, colour);
    }
  }
}

/**
 * Fill polygons (even-odd, so holes work) anti-aliased: each pixel is sampled `ss`×`ss` times and gets
 * `shades[covered samples]` (shades[0] leaves the pixel as it is). Rings are in pixel coordinates.
 */
export function fillRings(canvas: Canvas, rings: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, shades: readonly number[], ss = 2): void {
  const { width, height } = canvas;
  const cover = new Uint8Array(width * height);
  const edges: Array<[number, number, number, number]> = [];
  for (const ring of rings)
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      if (a[1] !== b[1]) edges.push(a[1] < b[1] ? [a[0], a[1], b[0], b[1]] : [b[0], b[1], a[0], a[1]]);
    }
  edges.sort((p, q) => p[1] - q[1]);
  const xs: number[] = [];
  let first = 0;
  for (let sy = 0; sy < height * ss; sy++) {
    const y = (sy + 0.5) / ss;
    while (first < edges.length && edges[first]![3] <= y && edges[first]![1] <= y) first++;
    xs.length = 0;
    for (let i = first; i < edges.length && edges[i]![1] <= y; i++) {
      const [x0, y0, x1, y1] = edges[i]!;
      if (y < y1) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
    xs.sort((p, q) => p - q);
    const row = Math.floor(sy / ss) * width;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! * ss - 0.5));
      const to = Math.min(width * ss - 1, Math.floor(xs[k + 1]! * ss - 0.5));
      for (let sx = from; sx <= to; sx++) cover[row + Math.floor(sx / ss)]!++;
    }
  }
  for (let i = 0; i < cover.length; i++) if (cover[i]! > 0) canvas.pixels[i] = shades[cover[i]!]!;
}
