import { crc32, inflateSync } from 'node:zlib';

/** A decoded PNG: size and one RGB triple per pixel. */
export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  bitDepth: number;
  /** Palette indices (colour type 3 only). */
  indices: Uint8Array;
  palette: Array<[number, number, number]>;
  rgb(x: number, y: number): [number, number, number];
}

/**
 * A small, strict PNG decoder for the tests (written independently of the encoder in src/render/png.ts): checks
 * the signature and every chunk's CRC, reads 8-bit indexed images (colour type 3), undoes all five row filters.
 */
export function decodePng(buf: Buffer): DecodedPng {
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG');
  let off = 8;
  let ihdr: Buffer | undefined;
  let plte: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    const crc = buf.readUInt32BE(off + 8 + len);
    if ((crc32(buf.subarray(off + 4, off + 8 + len)) >>> 0) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'PLTE') plte = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    off += 12 + len;
  }
  if (!ihdr || !ended) throw new Error('PNG without IHDR or IEND');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colourType, , , interlace] = [ihdr[8]!, ihdr[9]!, ihdr[10], ihdr[11], ihdr[12]];
  if (colourType !== 3 || bitDepth !== 8 || interlace !== 0 || !plte) throw new Error(`unsupported PNG: type ${colourType}, depth ${bitDepth}`);
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== (width + 1) * height) throw new Error(`IDAT holds ${raw.length} bytes, want ${(width + 1) * height}`);
  const indices = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)]!;
    for (let x = 0; x < width; x++) {
      const v = raw[y * (width + 1) + 1 + x]!;
      const a = x > 0 ? indices[y * width + x - 1]! : 0;
      const b = y > 0 ? indices[(y - 1) * width + x]! : 0;
      const c = x > 0 && y > 0 ? indices[(y - 1) * width + x - 1]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      if (pred === undefined) throw new Error(`bad filter ${filter}`);
      indices[y * width + x] = (v + pred) & 0xff;
    }
  }
  const palette: Array<[number, number, number]> = [];
  for (let i = 0; i + 2 < plte.length; i += 3) palette.push([plte[i]!, plte[i + 1]!, plte[i + 2]!]);
  for (const i of indices) if (i >= palette.length) throw new Error(`index ${i} outside the palette`);
  return { width, height, colourType, bitDepth, indices, palette, rgb: (x, y) => palette[indices[y * width + x]!]! };
}

/** How many pixels differ by more than `channelTolerance` in any channel (images of one size). */
export function differingPixels(a: DecodedPng, b: DecodedPng, channelTolerance = 24): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let n = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      const p = a.rgb(x, y);
      const q = b.rgb(x, y);
      if (p.some((v, i) => Math.abs(v - q[i]!) > channelTolerance)) n++;
    }
  return n;
}
