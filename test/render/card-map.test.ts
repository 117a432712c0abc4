import { describe, expect, it } from 'vitest';
import { cardMap } from '../../src/render/safe.js';
import { drawable, textWidth } from '../../src/render/font.js';
import { captureLogger } from '../helpers/pipeline.js';
import { decodePng } from './png-decode.js';
import { TRIPS } from './trips.js';

describe('cardMap: the map for a card, never in its way', () => {
  it('draws the travel map with its caption as alt text', async () => {
    const { log, lines } = captureLogger();
    const map = await cardMap(TRIPS.tokyoLosAngeles, { log });
    expect(decodePng(map!.png).width).toBe(480);
    expect(map!.alt).toBe('Tokyo, Japan → Los Angeles, United States; 8,815 km · 2 h 5 min · 4,231 km/h');
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a renderer that throws, hangs, or returns too much: no map and one warning naming the alert', async () => {
    const cases: Array<[string, () => any, RegExp]> = [
      ['throws', () => { throw new Error('boom'); }, /boom/],
      ['rejects', () => Promise.reject(new Error('async boom')), /async boom/],
      ['hangs', () => new Promise(() => {}), /took over 30 ms/],
      ['too big', () => Buffer.alloc(61 * 1024), /62464 bytes \(budget 61440\)/],
      ['not a PNG buffer', () => 'a string', /not a Buffer/],
    ];
    for (const [, render, why] of cases) {
      const { log, lines } = captureLogger();
      expect(await cardMap(TRIPS.tokyoLosAngeles, { log, render, timeoutMs: 30 })).toBeUndefined();
      const warns = lines.filter((l) => l.level === 40);
      expect(warns).toHaveLength(1);
      expect(warns[0]).toMatchObject({ alertId: 'al_tokyo_la', msg: expect.stringContaining('Travel map not drawn') });
      expect(warns[0]!.err).toMatch(why);
    }
  });

  it('does not call the renderer for a detection without a map', async () => {
    const { log } = captureLogger();
    let calls = 0;
    const render = () => {
      calls++;
      return Buffer.alloc(1);
    };
    expect(await cardMap({ ...TRIPS.tokyoLosAngeles, detection: 'anonymous-ip' }, { log, render })).toBeUndefined();
    expect(calls).toBe(0);
  });
});

describe('the caption font', () => {
  it('folds accents, draws what it lacks as "?", and measures 6 px a character', () => {
    expect(drawable('São Paulo → Zürich')).toBe('Sao Paulo → Zurich');
    expect(drawable('東京 (JP)')).toBe('?? (JP)');
    expect(textWidth('8,815 km')).toBe(8 * 6 - 1);
  });
});
