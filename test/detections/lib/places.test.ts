import { describe, expect, it } from 'vitest';
import { MAX_PLACES, daysUsed, isUsual, networkOf, placeKey, recordPlace, revivePlaces } from '../../../src/detections/lib/places.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 9, 5);

describe('usual places', () => {
  it('names the network of an address: IPv4 /24, IPv6 /48, IPv4-mapped as IPv4; nothing for non-addresses', () => {
    expect(networkOf('81.2.69.10')).toBe('81.2.69.0/24');
    expect(networkOf('::ffff:81.2.69.10')).toBe('81.2.69.0/24');
    expect(networkOf('2403:6200:8821:4a::1')).toBe('2403:6200:8821::/48');
    expect(networkOf('2403:06200:1::1')).toBeUndefined();
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(networkOf('2001:0DB8:0000:0001:0:0:0:1')).toBe('2001:db8:0::/48');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0::/48');
    for (const bad of ['', '300.1.1.1', '1.2.3', 'a::b::c', '1:2:3:4:5:6:7:8:9', 'x'.repeat(100), '__proto__', '1:2:3'])
      expect(networkOf(bad), bad).toBeUndefined();
    expect(placeKey('HK', '2403:6200:8821:4a::1')).toBe('HK 2403:6200:8821::/48');
    expect(placeKey('HK', undefined)).toBe('HK');
  });

  it('counts distinct days before the day judged, within 30 days, in any order of arrival', () => {
    const p = revivePlaces(undefined);
    for (const d of [5, 1, 3, 3, 40, 2]) recordPlace(p, 'HK', T + d * DAY + 3_600_000);
    // Day 40 moved the kept 31 days to 10..40: the earlier days are forgotten, and a late day 2 is too old to keep.
    expect(daysUsed(p, 'HK', T + 6 * DAY)).toBe(0);
    expect(daysUsed(p, 'HK', T + 41 * DAY)).toBe(1);
    const q = revivePlaces(undefined);
    for (const d of [5, 1, 3, 3, 2]) recordPlace(q, 'HK', T + d * DAY);
    expect(daysUsed(q, 'HK', T + 6 * DAY)).toBe(4);
    expect(daysUsed(q, 'HK', T + 3 * DAY)).toBe(2);
    expect(isUsual(q, 'HK', T + 3 * DAY)).toBe(false);
    expect(isUsual(q, 'HK', T + 4 * DAY)).toBe(true);
    expect(daysUsed(q, 'HK', T + 36 * DAY)).toBe(0);
  });

  it('keeps at most MAX_PLACES places and drops the least used first, never the one just used', () => {
    const p = revivePlaces(undefined);
    for (let d = 0; d < 10; d++) recordPlace(p, 'usual', T + d * DAY);
    for (let i = 0; i < 200; i++) recordPlace(p, `once ${i}`, T + 9 * DAY + i);
    expect(Object.keys(p)).toHaveLength(MAX_PLACES);
    expect(p.usual).toBeDefined();
    expect(p['once 199']).toBeDefined();
  });

  it('revives only well-formed entries', () => {
    expect(revivePlaces({ a: [1, 2], b: [1], c: 'x', d: [1.5, 2], e: [1, -1], ['__proto__']: [3, 4] })).toEqual(Object.assign(Object.create(null), { a: [1, 2], ['__proto__']: [3, 4] }));
    expect(Object.keys(revivePlaces(null))).toEqual([]);
  });
});
