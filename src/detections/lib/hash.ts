/**
 * FNV-1a 64-bit, hex. Deterministic, dependency-free and pure, so alert ids can be derived inside the core
 * (node:crypto would be I/O-free too, but the core imports no Node modules at all).
 */
export function stableId(...parts: Array<string | number>): string {
  const s = parts.join('\u0000');
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 7), 0x0100019d) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
