/**
 * A user's usual places: the (country, network) pairs they used on several distinct days of the baseline.
 * Kept per actor in a bounded map: place → [last day used, bitmask of the 31 days up to it] (bit i = day
 * `last - i`). Two numbers per place, at most MAX_PLACES places, whatever the user does.
 */
import { dict, type Dict } from '../state.js';

const DAY = 86_400_000;
/** Days of the baseline a place must have been used on (distinct UTC days, before the day judged) to be usual. */
export const USUAL_MIN_DAYS = 3;
/** How far back usage counts: the 30-day baseline. */
export const USUAL_WINDOW_DAYS = 30;
/** Places kept per actor; past the cap the least used place (then the longest unused) goes. */
export const MAX_PLACES = 24;
const BITS = 31;
const MASK = 0x7fffffff;

export type PlaceDays = Dict<[number, number]>;

/** The network of an IP as a place: IPv4 /24, IPv6 /48 (IPv4-mapped IPv6 as IPv4); undefined when not an IP. */
export function networkOf(ip: string | undefined): string | undefined {
  if (!ip || ip.length > 64) return undefined;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(ip);
  if (v4) {
    const o = v4.slice(1, 5).map(Number);
    return o.every((x) => x <= 255) ? `${o[0]}.${o[1]}.${o[2]}.0/24` : undefined;
  }
  const groups = expandIpv6(ip.split('%')[0]!);
  return groups ? `${groups.slice(0, 3).join(':')}::/48` : undefined;
}

function expandIpv6(ip: string): string[] | undefined {
  if (!/^[0-9a-f:]+$/i.test(ip) || ip.split('::').length > 2) return undefined;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const fill = 8 - h.length - t.length;
  if ((tail === undefined && fill !== 0) || (tail !== undefined && fill < 1)) return undefined;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : fill).fill('0'), ...t];
  if (all.some((g) => g.length < 1 || g.length > 4)) return undefined;
  return all.map((g) => parseInt(g, 16).toString(16));
}

/** The place key of a country and an IP: "HK 2001:db8:1::/48"; the country alone when there is no IP. */
export const placeKey = (cc: string, ip: string | undefined): string => {
  const net = networkOf(ip);
  return net ? `${cc} ${net}` : cc;
};

const dayOf = (t: number) => Math.floor(t / DAY);
const popcount = (m: number) => {
  let n = 0;
  for (let x = m; x; x &= x - 1) n++;
  return n;
};

/** Note that `key` was used at time `t` (any order of arrival). Entries are replaced, never changed in place. */
export function recordPlace(places: PlaceDays, key: string, t: number): void {
  const day = dayOf(t);
  const e = places[key];
  if (!e) places[key] = [day, 1];
  else if (day > e[0]) places[key] = [day, day - e[0] >= BITS ? 1 : ((e[1] << (day - e[0])) | 1) & MASK];
  else if (e[0] - day < BITS && !(e[1] & (1 << (e[0] - day)))) places[key] = [e[0], e[1] | (1 << (e[0] - day))];
  if (e) return;
  let size = 0;
  let victim: string | undefined;
  for (const k in places) {
    size++;
    if (k === key) continue;
    const [d, m] = places[k]!;
    if (d < day - BITS) {
      delete places[k]; // unused for longer than the baseline
      size--;
      continue;
    }
    const v = victim === undefined ? undefined : places[victim]!;
    if (!v || popcount(m) < popcount(v[1]) || (popcount(m) === popcount(v[1]) && d < v[0])) victim = k;
  }
  if (size > MAX_PLACES && victim !== undefined) delete places[victim];
}

/** Distinct days `key` was used in the baseline before the day of `t` (the 30 days up to the day before). */
export function daysUsed(places: Readonly<PlaceDays>, key: string, t: number): number {
  const e = places[key];
  if (!e) return 0;
  const day = dayOf(t);
  let n = 0;
  for (let i = 0; i < BITS; i++) {
    const d = e[0] - i;
    if (d < day && d >= day - USUAL_WINDOW_DAYS && e[1] & (1 << i)) n++;
  }
  return n;
}

export const isUsual = (places: Readonly<PlaceDays>, key: string, t: number): boolean => daysUsed(places, key, t) >= USUAL_MIN_DAYS;

/** The usual places at `t`, most used first: "HK 2001:db8:1::/48 (21 d)". */
export function usualPlaces(places: Readonly<PlaceDays>, t: number): string[] {
  return Object.keys(places)
    .map((k) => [k, daysUsed(places, k, t)] as const)
    .filter(([, n]) => n >= USUAL_MIN_DAYS)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} (${n} d)`);
}

/** A stored place map, checked (older states have none; a JSON round trip gives a plain object). */
export function revivePlaces(raw: unknown): PlaceDays {
  const out = dict<[number, number]>();
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>))
    if (Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && Number.isInteger(v[1]) && v[1] >= 0 && v[1] <= MASK) out[k] = [v[0], v[1]];
  return out;
}
