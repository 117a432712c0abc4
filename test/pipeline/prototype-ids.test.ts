// Ids from outside are keys of maps, never properties of plain objects: `__proto__`, `constructor`, `toString`
// and `hasOwnProperty` as event ids, actor ids, countries and group keys are ordinary values.
import { describe, expect, it } from 'vitest';
import { anonymousIp } from '../../src/detections/anonymous-ip.js';
import { initialEngineState, runDetections } from '../../src/detections/engine.js';
import { createSettingsResolver } from '../../src/detections/settings.js';
import { createPolicyDetection } from '../../src/detections/policy.js';
import { markIntel } from '../../src/enrich/index.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { ev, AFTER, HOUR, P } from '../fixtures/event.js';
import { captureLogger, TOR_IP, tempSqliteUrl, torList } from '../helpers/pipeline.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('prototype-safe ids', () => {
  it('processes events whose event and actor ids are prototype names, once each, on the SQLite store', async () => {
    const { log } = captureLogger();
    const store = createStore(await openKV(tempSqliteUrl()), { now: () => AFTER + 10 * HOUR });
    const pipeline = createPipeline({
      store,
      orgId: 'org-1',
      log,
      seenWindowMs: 6 * HOUR,
      now: () => AFTER + 10 * HOUR,
      enricher: { enrich: (e) => markIntel(e, [torList], [], []) },
      engine: { detections: [anonymousIp], settings: createSettingsResolver({ sensitivity: 'medium' }) },
    });
    const events = HOSTILE.map((name, i) => {
      const e = ev({ id: name, time: AFTER + i * HOUR, actor: name, ip: TOR_IP });
      return { ...e, actor: { ...e.actor, id: name } };
    });
    const r = await pipeline.ingest(events);
    expect(r).toMatchObject({ received: 5, duplicates: 0, processed: 5 });
    expect(r.alerts.map((a) => a.actor.id).sort()).toEqual([...HOSTILE].sort());
    expect(await pipeline.ingest(events)).toMatchObject({ duplicates: 5, processed: 0 });
    expect((await store.seenAmong('org-1', HOSTILE)).sort()).toEqual([...HOSTILE].sort());
    for (const name of HOSTILE) expect((await store.readActivity(name))?.items.map((i) => i.id)).toEqual([name]);
    expect(({} as Record<string, unknown>).first).toBeUndefined();
    await store.close();
  });

  it('gives a new actor named like a prototype property its own record (so its learning period applies)', () => {
    const e = ev({ time: AFTER, actor: 'x', at: P.berlin });
    const events = HOSTILE.map((name) => ({ ...e, id: `e-${name}`, actor: { ...e.actor, id: name } }));
    const { state } = runDetections(events, initialEngineState(), {
      detections: [],
      settings: createSettingsResolver({ sensitivity: 'medium' }),
    });
    for (const name of HOSTILE) expect(state.actors.get(name)).toMatchObject({ first: AFTER, last: AFTER });
    expect(Object.keys(state.actors.get('__proto__')!.countries)).toEqual(['DE']);
  });

  it('keeps countries and group keys named like prototype properties as ordinary entries', () => {
    const policy = createPolicyDetection({ name: 'by-ip', title: 'Burst by IP', severity: 'medium', enabled: true, match: { actions: ['user_login'] }, threshold: { count: 2, withinMs: HOUR, groupBy: 'ip' } } as never);
    const events = HOSTILE.flatMap((name, i) => [
      ev({ time: AFTER + i * 10_000, actor: `u${i}`, ip: name, at: { ...P.paris, countryCode: undefined as never, countryName: name, ip: name } }),
      ev({ time: AFTER + i * 10_000 + 1, actor: `v${i}`, ip: name, at: { ...P.paris, countryCode: undefined as never, countryName: name, ip: name } }),
    ]);
    const { state, alerts } = runDetections(events, initialEngineState(), { detections: [policy], settings: createSettingsResolver({ sensitivity: 'medium' }) });
    expect(Object.keys(state.org.countries).sort()).toEqual(HOSTILE.map((h) => h.toLowerCase()).sort());
    expect(alerts).toHaveLength(HOSTILE.length);
    expect([...state.keyed.keys()].map((k) => k.split('\u0000')[1]).sort()).toEqual(HOSTILE.map((h) => `ip:${h}`).sort());
  });
});
