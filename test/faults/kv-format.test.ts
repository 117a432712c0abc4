// The store's fast serializer writes and reads exactly keyv's stored format (@keyv/serialize), so stores written
// before it (or by another keyv client) read back the same, and the other way round.
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { describe, expect, it } from 'vitest';
import { keyvFormat } from '../../src/store/kv.js';
import { seeded } from '../fixtures/random.js';

function value(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 7));
  const strs = ['plain', ':warning: colon first', '::double', ':base64:aGk=', 'a":b', ',":', '{":x', '', 'ünïcödé 😀', 'line\nbreak', '"quoted"'];
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 1e12) / 7;
    case 3:
    case 4: return strs[Math.floor(r() * strs.length)];
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 4); i++) o[strs[Math.floor(r() * strs.length)]!] = value(r, depth + 1);
      return o;
    }
  }
}

describe('keyv stored format', () => {
  it('matches @keyv/serialize both ways on 5000 generated values, colon-first strings included', () => {
    const r = seeded(11);
    let escaped = 0;
    for (let i = 0; i < 5000; i++) {
      const data = { value: value(r), expires: r() < 0.5 ? null : 1_800_000_000_000 };
      const ours = keyvFormat.serialize(data);
      const theirs = defaultSerialize(data);
      expect(JSON.parse(ours)).toEqual(JSON.parse(theirs)); // the same JSON document
      expect(keyvFormat.deserialize(theirs)).toEqual(defaultDeserialize(theirs));
      expect(defaultDeserialize(ours)).toEqual(defaultDeserialize(theirs));
      if (theirs.includes('"::')) escaped++;
    }
    expect(escaped).toBeGreaterThan(100); // the escaping path was exercised
  });

  it('round-trips the values Vigil stores', () => {
    const checkpoint = { value: { cursor: 'eyJvIjo1fQ', seen: { e1: 1, ':odd': 2 }, engine: { users: { a: { countries: { NL: 1 } } } }, updatedAt: 3 }, expires: null };
    expect(keyvFormat.deserialize(keyvFormat.serialize(checkpoint))).toEqual(checkpoint);
    const slack = { value: { text: ':rotating_light: alert', ref: { ts: '1700000000.000100' } }, expires: null };
    expect(keyvFormat.serialize(slack)).toContain('"::rotating_light: alert"');
    expect(keyvFormat.deserialize(keyvFormat.serialize(slack))).toEqual(slack);
  });
});
