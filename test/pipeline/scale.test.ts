// More than 150,000 events inside the seen window, through the real pipeline on the real SQLite file, with
// every detection on. Vigil 0.1 kept the seen ids in the checkpoint and failed here for good (RangeError from
// Math.max over them, past ~125,000). Asserts completion and correctness, never time.
import { describe, expect, it } from 'vitest';
import { configureDetections } from '../../src/detections/configure.js';
import type { NormalizedEvent } from '../../src/domain/index.js';
import { markIntel } from '../../src/enrich/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { TOR_IP, captureLogger, tempSqliteUrl, torList } from '../helpers/pipeline.js';

const N = 152_000;
const ACTORS = 20_000;
const T0 = Date.UTC(2026, 10, 30, 8);
const NOW = T0 + 2 * 3_600_000;

function event(i: number): NormalizedEvent {
  const actor = `acct-${i % ACTORS}`;
  const tor = i % 50_000 === 7; // three Tor sign-ins in the stream
  return {
    id: `evt-${i}`,
    time: T0 + Math.floor((i * 7_200_000) / N),
    processedAt: T0 + Math.floor((i * 7_200_000) / N) + 500,
    source: 'atlassian-org',
    action: i % 9 === 0 ? 'user_login' : 'page_viewed',
    actor: { id: actor, email: `${actor}@example.com`, name: actor },
    interactive: true,
    targets: [],
    location: { ip: tor ? TOR_IP : `81.2.${(i % ACTORS) >> 8}.${i % 250}`, countryCode: 'GB', countryName: 'United Kingdom', lat: 51.5, lon: -0.12, geoSource: 'event' },
    raw: undefined,
  };
}

describe('a large org inside the seen window', () => {
  it(`ingests ${N.toLocaleString('en')} events from ${ACTORS.toLocaleString('en')} actors on SQLite, each once`, async () => {
    const { log } = captureLogger('warn');
    const store = createStore(await openKV(tempSqliteUrl()), { now: () => NOW });
    const engine = configureDetections({ sensitivity: 'medium', compileIps: (l) => parseIpList('x', l.join('\n')).list.has });
    const pipeline = createPipeline({ store, orgId: 'org-big', enricher: { enrich: (e) => markIntel(e, [torList], [], []) }, engine, log, seenWindowMs: 6 * 3_600_000, now: () => NOW });
    let processed = 0;
    const alertActors = new Set<string>();
    for (let i = 0; i < N; i += 500) {
      const page = Array.from({ length: Math.min(500, N - i) }, (_, k) => event(i + k));
      const r = await pipeline.ingest(page, { cursor: `c${i}`, watermark: page[page.length - 1]!.processedAt });
      expect(r.duplicates).toBe(0);
      processed += r.processed;
      for (const a of r.alerts) if (a.detection === 'anonymous-ip') alertActors.add(a.actor.id);
    }
    expect(processed).toBe(N);
    // Tor sign-ins at i = 7, 50007, 100007 and 150007: actors 7 and 10007 (i mod 20,000), nobody else.
    expect([...alertActors].sort()).toEqual(['acct-10007', 'acct-7']);
    // Re-reading an overlap (the first and the last page) finds only duplicates.
    const overlap = [event(0), event(1), event(N - 2), event(N - 1)];
    expect(await pipeline.ingest(overlap)).toMatchObject({ duplicates: 4, processed: 0 });
    // The checkpoint stays small whatever the volume: cursor, watermark, version, time.
    expect(JSON.stringify(await store.getCheckpoint('org-big')).length).toBeLessThan(200);
    const a = await store.readActivity('acct-123');
    // acct-123 acted at i = 123 + k·20,000 for k = 0..7 (152,000 events): 8 events, all in its activity.
    expect(a?.items.map((x) => x.id)).toEqual(Array.from({ length: 8 }, (_, k) => `evt-${123 + k * ACTORS}`));
    await store.close();
  }, 1_200_000);
});
