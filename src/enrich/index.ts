import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DetectionEnv } from '../config/detection.js';
import type { NormalizedEvent } from '../domain/index.js';
import type { Logger } from '../log.js';
import { parseIpList, type IpList } from './ip-lists.js';

/** Enrichment runs before detections: geo and IP-list marks go on the event; detections never look anything up. */
export interface Enricher {
  enrich(e: NormalizedEvent): NormalizedEvent;
  /** Reload lists (files re-read, URLs re-fetched). */
  refresh?(): Promise<void>;
}

/** Load one list file; unreadable files and bad lines are logged, never fatal. */
export async function loadIpListFile(file: string, log: Logger): Promise<IpList | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    const { list, problems } = parseIpList(path.basename(file), text);
    for (const p of problems.slice(0, 20)) log.warn({ file, line: p.line, reason: p.reason }, 'skipped a bad line in an IP list');
    if (problems.length > 20) log.warn({ file, skipped: problems.length }, 'skipped more bad lines in an IP list');
    log.info({ file, entries: list.size }, 'IP list loaded');
    return list;
  } catch (err) {
    log.error({ file, err: (err as Error).message }, 'IP list could not be read; continuing without it');
    return undefined;
  }
}

/** Mark the event with the names of the lists its IP is on. */
export function markIntel(e: NormalizedEvent, anonymous: IpList[], suspicious: IpList[], trusted: IpList[]): NormalizedEvent {
  const ip = e.location?.ip;
  if (!ip) return e;
  const anon = anonymous.filter((l) => l.has(ip)).map((l) => l.name);
  const susp = suspicious.filter((l) => l.has(ip)).map((l) => l.name);
  const isTrusted = trusted.some((l) => l.has(ip));
  if (anon.length === 0 && susp.length === 0 && !isTrusted) return e;
  return {
    ...e,
    intel: {
      ...e.intel,
      ...(anon.length ? { anonymous: anon } : {}),
      ...(susp.length ? { suspicious: susp } : {}),
      ...(isTrusted ? { trusted: true } : {}),
    },
  };
}

export async function createEnricher(env: DetectionEnv, log: Logger): Promise<Enricher> {
  let anonymous: IpList[] = [];
  let suspicious: IpList[] = [];
  let trusted: IpList[] = [];
  async function refresh() {
    anonymous = (await Promise.all(env.VIGIL_ANONYMOUS_IP_LISTS.map((f) => loadIpListFile(f, log)))).filter((l): l is IpList => !!l);
    suspicious = (await Promise.all(env.VIGIL_SUSPICIOUS_IP_LISTS.map((f) => loadIpListFile(f, log)))).filter((l): l is IpList => !!l);
    trusted = [parseIpList('trusted-networks', env.VIGIL_TRUSTED_NETWORKS.join('\n')).list];
  }
  await refresh();
  return { enrich: (e) => markIntel(e, anonymous, suspicious, trusted), refresh };
}
