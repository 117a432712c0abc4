import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOrgMonth } from '../../../src/demo/generate.js';
import { isCanonicalRawEvent, RawEvent } from '../../../src/sources/atlassian/schema.js';

const shared = path.resolve(import.meta.dirname, '../../../../shared/fixtures/atlassian-org');
const fixtures = ['grove-001.json', 'grove-002.json'].flatMap((f) => {
  try {
    return (JSON.parse(readFileSync(path.join(shared, f), 'utf8')) as { data: unknown[] }).data;
  } catch {
    return [];
  }
});

describe('RawEvent fast path', () => {
  const demo = generateOrgMonth({ seed: 3, days: 10, users: 15 }).events;

  it('accepts canonical events, and for them zod would return an equal value', () => {
    const all = [...demo, ...fixtures];
    expect(all.length).toBeGreaterThan(500);
    for (const raw of all) {
      expect(isCanonicalRawEvent(raw)).toBe(true);
      const z = RawEvent.safeParse(raw);
      expect(z.success).toBe(true);
      expect(z.data).toEqual(raw);
    }
  });

  it('leaves every non-canonical or invalid shape to zod', () => {
    const base = structuredClone(demo[0]) as { id: unknown; attributes: Record<string, unknown>; message?: unknown };
    const variants: Array<(e: typeof base) => void> = [
      (e) => (e.id = 42),
      (e) => (e.id = ''),
      (e) => (e.attributes.time = null),
      (e) => (e.attributes.processedAt = null),
      (e) => (e.attributes.action = 7),
      (e) => (e.attributes.actor = null),
      (e) => (e.attributes.actor = { id: 'x', auth: null }),
      (e) => (e.attributes.actor = { id: 'x', onBehalfOf: { id: 1 } }),
      (e) => (e.attributes.context = [{ id: 5, type: 'users' }]),
      (e) => (e.attributes.container = [{ attributes: [] }]),
      (e) => (e.attributes.location = { ip: null }),
      (e) => (e.message = { content: 1 }),
      (e) => (e.attributes = [] as never),
    ];
    for (const change of variants) {
      const e = structuredClone(base);
      change(e);
      expect(isCanonicalRawEvent(e)).toBe(false);
    }
  });
});
