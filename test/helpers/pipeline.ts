import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { anonymousIp } from '../../src/detections/anonymous-ip.js';
import { createSettingsResolver } from '../../src/detections/settings.js';
import { markIntel } from '../../src/enrich/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { createLogger } from '../../src/log.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { createAtlassianClient } from '../../src/sources/atlassian/client.js';
import { openKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';

/** A logger whose output is kept for assertions: `lines` parsed (JSON), `raw` as written (secret-leak checks). */
export function captureLogger(level = 'debug') {
  const lines: Array<Record<string, any>> = [];
  const raw: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger(level, dest as any), lines, raw };
}

export const TOR_IP = '185.220.101.47';
export const torList = parseIpList('tor-exits', `# test list\n${TOR_IP}\n198.51.100.0/24\n`).list;

export function tempSqliteUrl(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  return `sqlite://${path.join(dir, 'vigil.sqlite')}`;
}

/** A pipeline on a real store (SQLite file by default) with the anonymous-ip detection and a Tor list. */
export async function makePipeline(storeUrl: string, extra: { beforeCommit?: () => void | Promise<void> } = {}) {
  const { log, lines } = captureLogger();
  const kv = await openKV(storeUrl);
  const store = createStore(kv);
  const pipeline = createPipeline({
    store,
    orgId: 'org-1',
    log,
    seenWindowMs: 6 * 3600_000,
    enricher: { enrich: (e) => markIntel(e, [torList], [], []) },
    engine: { detections: [anonymousIp], settings: createSettingsResolver({ sensitivity: 'medium' }) },
    beforeCommit: extra.beforeCommit,
  });
  return { store, pipeline, log, lines };
}

export function makeClient(fake: { url: string; orgId: string; apiKey: string }, pageLimit = 5, apiKey = fake.apiKey) {
  return createAtlassianClient({
    baseUrl: fake.url,
    orgId: fake.orgId,
    apiKey,
    pageLimit,
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
    timeoutMs: 2_000,
  });
}
