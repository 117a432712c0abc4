import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { detectionSchema } from '../../src/config/detection.js';
import { configureDetections } from '../../src/detections/configure.js';
import { initialEngineState, runDetections, type EngineState } from '../../src/detections/engine.js';
import type { Sensitivity } from '../../src/detections/types.js';
import type { Alert, NormalizedEvent } from '../../src/domain/index.js';
import { createEnricher } from '../../src/enrich/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';
import { normalizeAtlassianEvent } from '../../src/sources/atlassian/normalize.js';

export const silent = pino({ level: 'silent' });

/** An enricher with the demo's IP lists as files (the real loader), no IP database (demo events carry geo). */
export async function demoEnricher(lists: { anonymous: string; suspicious: string }, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-lists-'));
  writeFileSync(path.join(dir, 'tor.txt'), lists.anonymous);
  writeFileSync(path.join(dir, 'intel.txt'), lists.suspicious);
  const env = detectionSchema.parse({
    VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'),
    VIGIL_SUSPICIOUS_IP_LISTS: path.join(dir, 'intel.txt'),
    VIGIL_TOR_EXIT_LIST_URL: 'off',
    ...extraEnv,
  });
  return createEnricher(env, silent, { geo: null });
}

export function normalizeAll(raw: unknown[]): NormalizedEvent[] {
  return raw.map((r) => {
    const n = normalizeAtlassianEvent(r, 'demo');
    if (!n.ok) throw new Error(`demo event did not normalise: ${n.reason}`);
    return n.event;
  });
}

/**
 * Feed events the way a sweep does: pages in processedAt order, each page sorted by event time, engine state
 * carried over (late events arrive in later pages). Returns every alert's final version.
 */
export function sweepAll(events: NormalizedEvent[], sensitivity: Sensitivity = 'medium', pageSize = 200): { alerts: Alert[]; state: EngineState } {
  const opts = configureDetections({ sensitivity, compileIps: (l) => parseIpList('x', l.join('\n')).list.has });
  let state = initialEngineState();
  const alerts = new Map<string, Alert>();
  for (let i = 0; i < events.length; i += pageSize) {
    const page = events.slice(i, i + pageSize).sort((a, b) => a.time - b.time);
    const r = runDetections(page, state, opts);
    state = r.state;
    for (const a of r.alerts) alerts.set(a.id, a);
  }
  return { alerts: [...alerts.values()], state };
}

export function summary(alerts: Alert[]): string[] {
  return alerts.map((a) => `${a.detection} ${a.actor.email ?? a.actor.id}`).sort();
}
