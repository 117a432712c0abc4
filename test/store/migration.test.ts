// A store written by Vigil 0.1 (one checkpoint blob holding every user's detection state and the seen ids, one
// activity list per user) is converted on first start, and detection carries on exactly as if it had been
// written by this version. The fixture was produced by the 0.1 code (commit 896fd6b) from the seed-11 demo
// month: the first 75% of its events, in pages of 200.
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOrgMonth } from '../../src/demo/generate.js';
import { configureDetections } from '../../src/detections/configure.js';
import type { Alert } from '../../src/domain/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { keys } from '../../src/store/keys.js';
import { openKV, type KV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { demoEnricher, normalizeAll, silent } from '../demo/helpers.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/store-v0.1.sqlite');
const ORG = 'org-legacy';
const NOW = Date.UTC(2026, 10, 20);

async function setup(kv: KV) {
  // Without the backup tokens and the token/exfiltration attacks added later: the month the fixture saw.
  const month = generateOrgMonth({ seed: 11, users: 40, machines: false });
  const enricher = await demoEnricher(month.lists);
  const events = normalizeAll(month.events);
  const store = createStore(kv, { now: () => NOW });
  const engine = configureDetections({ sensitivity: 'medium', compileIps: (l) => parseIpList('x', l.join('\n')).list.has });
  const pipeline = createPipeline({ store, orgId: ORG, enricher, engine, log: silent as never, seenWindowMs: 6 * 3600_000, now: () => NOW });
  return { store, pipeline, events, cut: Math.floor(events.length * 0.75) };
}

async function ingestPages(s: Awaited<ReturnType<typeof setup>>, from: number, to: number): Promise<Map<string, Alert>> {
  const alerts = new Map<string, Alert>();
  for (let i = from; i < to; i += 200) {
    const r = await s.pipeline.ingest(s.events.slice(i, Math.min(i + 200, to)), { cursor: `c${i}` });
    for (const a of r.alerts) alerts.set(a.id, a);
  }
  return alerts;
}

const view = (m: Map<string, Alert>) => [...m.values()].map((a) => `${a.id} ${a.detection} ${a.actor.id} ${a.count} ${a.firstSeen}`).sort();

describe('store migration from Vigil 0.1', () => {
  it('converts the checkpoint blob and activity lists, and detection continues exactly as without the upgrade', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-migrate-'));
    const file = path.join(dir, 'vigil.sqlite');
    copyFileSync(FIXTURE, file);
    const kv = await openKV(`sqlite://${file}`);
    const legacy = (await kv.get(keys.checkpoint(ORG))) as { engine: { version: number; users: Record<string, unknown> }; seen: Record<string, number> };
    expect(legacy.engine.version).toBe(2);
    const users = Object.keys(legacy.engine.users);
    expect(users.length).toBeGreaterThan(30);
    const lists = await kv.getMany(users.map((u) => keys.activity(u)));
    const someone = users[lists.findIndex((l) => l !== undefined)]!;
    expect(someone).toBeDefined();

    // The reference: this version from an empty store, the same pages.
    const ref = await setup(await openKV('memory://'));
    await ingestPages(ref, 0, ref.cut);
    const refRest = await ingestPages(ref, ref.cut, ref.events.length);

    const migrated = await setup(kv);
    // The ids the old version remembered (its 6-hour seen window) are still known: re-sent, they are duplicates.
    const remembered = migrated.events.slice(0, migrated.cut).filter((e) => legacy.seen[e.id] !== undefined);
    expect(remembered.length).toBeGreaterThan(10);
    const again = await migrated.pipeline.ingest(remembered);
    expect(again).toMatchObject({ duplicates: remembered.length, processed: 0 });
    const cp = await migrated.store.getCheckpoint(ORG);
    expect(cp).toMatchObject({ version: 3, cursor: `c${Math.floor((ref.cut - 1) / 200) * 200}` });
    expect(cp!.engine).toBeUndefined();
    expect(cp!.seen).toBeUndefined();
    expect(await kv.get(keys.activity(someone))).toBeUndefined(); // the old list became day buckets
    const activity = await migrated.store.readActivity(someone);
    expect(activity?.items.length ?? 0).toBeGreaterThan(0);

    const rest = await ingestPages(migrated, migrated.cut, migrated.events.length);
    expect(view(rest)).toEqual(view(refRest));
    expect(refRest.size).toBeGreaterThan(0); // the rest of the month does raise alerts: the comparison means something
    await kv.close();
  }, 120_000);

  it('refuses (changing nothing) a checkpoint whose detection state it cannot read, naming what to do', async () => {
    const kv = await openKV('memory://');
    const odd = { cursor: 'c', engine: { version: 7, whatever: true }, seen: { e1: 1 }, updatedAt: 1 };
    await kv.set(keys.checkpoint(ORG), odd);
    const store = createStore(kv);
    await expect(store.beginBatch(ORG, ['e2'], 60_000)).rejects.toThrow(/checkpoint:org-legacy.*cannot read.*Nothing was changed.*docs\/upgrading\.md/s);
    expect(await kv.get(keys.checkpoint(ORG))).toEqual(odd);
    expect(await kv.get(keys.seen(ORG, 'e1'))).toBeUndefined();
  });
});
