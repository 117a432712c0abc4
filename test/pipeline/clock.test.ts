// An event's own time is evidence, never a clock. One event dated 9999-12-31 (or 1970) must leave detections,
// dedupe and activity exactly as they would have been without it: it is quarantined, logged, counted, kept.
import { describe, expect, it } from 'vitest';
import { generateOrgMonth } from '../../src/demo/generate.js';
import { configureDetections } from '../../src/detections/configure.js';
import type { Alert, NormalizedEvent } from '../../src/domain/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { captureLogger } from '../helpers/pipeline.js';
import { demoEnricher, normalizeAll } from '../demo/helpers.js';

const NOW = Date.UTC(2026, 10, 6); // two days after the demo month ends
const ORG = 'org-clock';

async function runMonth(poison: NormalizedEvent[]) {
  const month = generateOrgMonth({ seed: 7, users: 40 });
  const enricher = await demoEnricher(month.lists);
  const events = normalizeAll(month.events);
  const { log, lines } = captureLogger('warn');
  const store = createStore(await openKV('memory://'), { now: () => NOW });
  const engine = configureDetections({ sensitivity: 'medium', compileIps: (l) => parseIpList('x', l.join('\n')).list.has });
  const pipeline = createPipeline({ store, orgId: ORG, enricher, engine, log, seenWindowMs: 6 * 3600_000, now: () => NOW });
  const alerts = new Map<string, Alert>();
  let quarantined = 0;
  // The poison arrives in the first page, before a month of ordinary activity.
  for (let i = 0; i < events.length; i += 250) {
    const page = i === 0 ? [...poison, ...events.slice(0, 250)] : events.slice(i, i + 250);
    const r = await pipeline.ingest(page);
    quarantined += r.quarantined;
    for (const a of r.alerts) alerts.set(a.id, a);
  }
  return { store, pipeline, alerts, events, quarantined, lines };
}

const view = (m: Map<string, Alert>) => [...m.values()].map((a) => `${a.id} ${a.detection} ${a.actor.id} ${a.count} ${a.revision}`).sort();

describe('clocks that cannot be poisoned', () => {
  it('quarantines events dated 9999-12-31 and 1970; detections, dedupe and activity are as without them', async () => {
    const clean = await runMonth([]);
    const template = clean.events[0]!;
    const poison: NormalizedEvent[] = [
      { ...template, id: 'poison-future', time: Date.UTC(9999, 11, 31), processedAt: Date.UTC(9999, 11, 31) },
      { ...template, id: 'poison-epoch', time: 0, processedAt: 0 },
    ];
    const dirty = await runMonth(poison);

    expect(dirty.quarantined).toBe(2);
    expect(clean.quarantined).toBe(0);
    expect(view(dirty.alerts)).toEqual(view(clean.alerts));
    expect(clean.alerts.size).toBeGreaterThan(5);

    // Dedupe still works afterwards: the same event id twice is one event (the seen window is on the wall clock).
    const again = await dirty.pipeline.ingest([clean.events[clean.events.length - 1]!]);
    expect(again).toMatchObject({ duplicates: 1, processed: 0 });
    // Activity of the poisoned actor is what it would have been.
    const who = template.actor.id;
    const a = await clean.store.readActivity(who);
    const b = await dirty.store.readActivity(who);
    expect(a?.items.length ?? 0).toBeGreaterThan(0);
    expect(b).toEqual(a);
    // The org clock was never moved by them.
    const org = (await dirty.store.loadStateRecords(ORG, [], [])).org as { now: number };
    expect(org.now).toBeLessThanOrEqual(NOW);
    // Kept for inspection and logged with the id.
    expect(await dirty.store.getQuarantined(ORG, 'poison-future')).toMatchObject({ event: { id: 'poison-future' }, reason: expect.stringMatching(/ahead of the receiving clock/) });
    expect(await dirty.store.getQuarantined(ORG, 'poison-epoch')).toMatchObject({ reason: expect.stringMatching(/before 2015/) });
    expect(dirty.lines.filter((l) => l.msg?.includes('quarantined')).map((l) => l.eventId).sort()).toEqual(['poison-epoch', 'poison-future']);
    // A quarantined id re-sent is a duplicate, not quarantined (and counted) again.
    expect(await dirty.pipeline.ingest([poison[0]!])).toMatchObject({ duplicates: 1, quarantined: 0 });
  }, 120_000);

  it('accepts an event a little ahead of the clock (skew) and refuses one further ahead', async () => {
    const { log } = captureLogger('warn');
    const store = createStore(await openKV('memory://'), { now: () => NOW });
    const engine = configureDetections({ sensitivity: 'medium', compileIps: () => () => false });
    const pipeline = createPipeline({ store, orgId: ORG, enricher: { enrich: (e) => e }, engine, log, seenWindowMs: 3600_000, now: () => NOW });
    const base = normalizeAll(generateOrgMonth({ seed: 1, users: 3 }).events.slice(0, 1))[0]!;
    const r = await pipeline.ingest([
      { ...base, id: 'skew-ok', time: NOW + 4 * 60_000 },
      { ...base, id: 'skew-bad', time: NOW + 6 * 60_000 },
    ]);
    expect(r).toMatchObject({ processed: 1, quarantined: 1 });
  });
});
