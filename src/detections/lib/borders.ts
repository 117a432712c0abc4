import { BORDERS_DATA } from './borders-data.js';

const BORDERS = new Map<string, Set<string>>(
  BORDERS_DATA.split('|').map((row) => {
    const [code, list] = row.split(':');
    return [code!, new Set((list ?? '').split(',').filter(Boolean))];
  }),
);

/** True when two ISO alpha-2 countries share a land border (symmetric). */
export function bordering(a: string, b: string): boolean {
  return BORDERS.get(a.toUpperCase())?.has(b.toUpperCase()) ?? BORDERS.get(b.toUpperCase())?.has(a.toUpperCase()) ?? false;
}
