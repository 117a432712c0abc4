import { crc32, deflateSync } from 'node:zlib';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * An indexed-colour PNG (colour type 3, 8 bits per pixel): `pixels` holds one palette index per pixel, row by
 * row. Filter 0 on every row (what the PNG spec advises for palette images), deflated at level 9. A few colours
 * and large flat areas make a 480×256 map a few kilobytes.
 */
export function encodeIndexedPng(width: number, height: number, palette: readonly Rgb[], pixels: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`bad PNG size ${width}×${height}`);
  if (pixels.length !== width * height) throw new Error(`PNG pixels: ${pixels.length} for ${width}×${height}`);
  if (palette.length < 1 || palette.length > 256) throw new Error(`PNG palette: ${palette.length} colours`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: indexed
  // compression 0, filter method 0, no interlace: already zero
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach(([r, g, b], i) => plte.set([r, g, b], i * 3));
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    for (const v of row) if (v >= palette.length) throw new Error(`PNG pixel index ${v} outside a ${palette.length}-colour palette`);
    raw.set(row, y * (width + 1) + 1); // filter byte 0 ("None") then the row
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
