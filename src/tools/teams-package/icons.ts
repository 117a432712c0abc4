import { encodePng } from './png.js';

/**
 * The Vigil icons, drawn procedurally: a shield with an eye-like slot. Teams wants a 192×192 full-colour icon
 * and a 32×32 outline icon that is white on a transparent background.
 */

/** Inside the shield, in unit coordinates (0..1): flat top, straight sides, pointed bottom. */
function inShield(u: number, v: number): boolean {
  if (v < 0.12 || v > 0.9) return false;
  const half = v < 0.55 ? 0.34 : 0.34 * (1 - (v - 0.55) / 0.35);
  return Math.abs(u - 0.5) <= half;
}

function inSlot(u: number, v: number): boolean {
  const dx = (u - 0.5) / 0.2;
  const dy = (v - 0.42) / 0.075;
  return dx * dx + dy * dy <= 1;
}

/** Coverage of a pixel by a shape, 4×4 supersampled for smooth edges. */
function coverage(x: number, y: number, size: number, shape: (u: number, v: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (shape((x + (i + 0.5) / 4) / size, (y + (j + 0.5) / 4) / size)) hits++;
  return hits / 16;
}

/** 192×192 colour icon: white shield with a slot on Vigil blue. */
export function colorIcon(size = 192): Buffer {
  const px = new Uint8Array(size * size * 4);
  const bg = [0x1f, 0x3a, 0x8a];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const shield = coverage(x, y, size, (u, v) => inShield(u, v) && !inSlot(u, v));
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(bg[c]! * (1 - shield) + 255 * shield);
      px[o + 3] = 255;
    }
  return encodePng(size, size, px);
}

/** 32×32 outline icon: white shield outline on transparent. */
export function outlineIcon(size = 32): Buffer {
  const px = new Uint8Array(size * size * 4);
  const stroke = 2.2 / size;
  const ring = (u: number, v: number) => inShield(u, v) && !inShield(0.5 + (u - 0.5) / (1 - stroke * 5), 0.51 + (v - 0.51) / (1 - stroke * 4));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, size, (u, v) => ring(u, v) || inSlot(u, v));
      const o = (y * size + x) * 4;
      px[o] = 255;
      px[o + 1] = 255;
      px[o + 2] = 255;
      px[o + 3] = Math.round(255 * a);
    }
  return encodePng(size, size, px);
}
