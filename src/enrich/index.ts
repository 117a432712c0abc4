import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NormalizedEvent } from '../domain/index.js';
import { fetchJson } from '../http/fetch-json.js';
import type { Logger } from '../log.js';
import { createGeoLocator, type GeoIpProvider } from './geo.js';
import { parseIpList, type IpList } from './ip-lists.js';
import { bundledDbipFiles, openMmdbProvider } from './mmdb.js';
import { TOR_SNAPSHOT, TOR_SNAPSHOT_NAME } from './tor-snapshot.js';

/** The enrichment settings (read by config/detection.ts from VIGIL_* variables; described there). */
export interface EnrichSettings {
  VIGIL_ANONYMOUS_IP_LISTS: string[];
  VIGIL_SUSPICIOUS_IP_LISTS: string[];
  VIGIL_TRUSTED_NETWORKS: string[];
  VIGIL_GEOIP_DB?: string;
  VIGIL_TOR_EXIT_LIST_URL: string;
}

/** Enrichment runs before detections: geo and IP-list marks go on the event; detections never look anything up. */
export interface Enricher {
  enrich(e: NormalizedEvent): NormalizedEvent;
  /** Reload lists (files re-read, URLs re-fetched, the Tor exit list refreshed). A failed source keeps its last copy. */
  refresh?(): Promise<void>;
}

function parseLogged(name: string, text: string, log: Logger, where: string): IpList {
  const { list, problems } = parseIpList(name, text);
  for (const p of problems.slice(0, 20)) log.warn({ source: where, line: p.line, reason: p.reason }, 'skipped a bad line in an IP list');
  if (problems.length > 20) log.warn({ source: where, skipped: problems.length }, 'skipped more bad lines in an IP list');
  log.info({ source: where, entries: list.size }, 'IP list loaded');
  return list;
}

/** Load one list file; unreadable files and bad lines are logged, never fatal. */
export async function loadIpListFile(file: string, log: Logger): Promise<IpList | undefined> {
  try {
    return parseLogged(path.basename(file), await readFile(file, 'utf8'), log, file);
  } catch (err) {
    log.error({ file, err: (err as Error).message }, 'IP list could not be read; continuing without it');
    return undefined;
  }
}

/** Load one list from a file path or an https URL (retried on 429/5xx); failures are logged and give undefined. */
export async function loadIpListSource(source: string, log: Logger, name?: string): Promise<IpList | undefined> {
  if (!/^https?:\/\//i.test(source)) return loadIpListFile(source, log);
  try {
    const res = await fetchJson<unknown>(source, { service: 'IP list', headers: { accept: 'text/plain, */*' }, retry: { maxRetries: 2 } });
    const url = new URL(source);
    return parseLogged(name ?? (path.basename(url.pathname) || url.host), res.text, log, url.origin + url.pathname);
  } catch (err) {
    log.error({ source: source.replace(/\?.*$/, ''), err: (err as Error).message }, 'IP list could not be fetched; keeping the previous copy');
    return undefined;
  }
}

type Intel = NonNullable<NormalizedEvent['intel']>;

/** Which lists an IP is on; undefined when none. */
export function intelOf(ip: string, anonymous: IpList[], suspicious: IpList[], trusted: IpList[]): Intel | undefined {
  const anon = anonymous.filter((l) => l.size > 0 && l.has(ip)).map((l) => l.name);
  const susp = suspicious.filter((l) => l.size > 0 && l.has(ip)).map((l) => l.name);
  const isTrusted = trusted.some((l) => l.size > 0 && l.has(ip));
  if (anon.length === 0 && susp.length === 0 && !isTrusted) return undefined;
  return { ...(anon.length ? { anonymous: anon } : {}), ...(susp.length ? { suspicious: susp } : {}), ...(isTrusted ? { trusted: true } : {}) };
}

function withIntel(e: NormalizedEvent, found: Intel | undefined): NormalizedEvent {
  return found ? { ...e, intel: { ...e.intel, ...found } } : e;
}

/** Mark the event with the names of the lists its IP is on. */
export function markIntel(e: NormalizedEvent, anonymous: IpList[], suspicious: IpList[], trusted: IpList[]): NormalizedEvent {
  const ip = e.location?.ip;
  return ip ? withIntel(e, intelOf(ip, anonymous, suspicious, trusted)) : e;
}

/** The geolocation database from VIGIL_GEOIP_DB: unset → bundled DB-IP City Lite; `off` → none; else .mmdb paths. */
export async function openGeoProvider(env: Pick<EnrichSettings, 'VIGIL_GEOIP_DB'>, log: Logger, opts: { lazy?: boolean } = {}): Promise<GeoIpProvider | undefined> {
  const setting = env.VIGIL_GEOIP_DB;
  if (setting?.toLowerCase() === 'off') return undefined;
  const bundled = bundledDbipFiles();
  const files = setting ? setting.split(',').map((s) => s.trim()).filter(Boolean) : bundled ? [bundled.v4, bundled.v6] : [];
  if (files.length === 0) {
    log.warn('no IP geolocation database installed; events without coordinates fall back to the country centroid');
    return undefined;
  }
  try {
    return await openMmdbProvider(files, log, opts);
  } catch (err) {
    log.error({ files, err: (err as Error).message }, 'IP geolocation database could not be opened; using country centroids');
    return undefined;
  }
}

export interface EnricherDeps {
  /** Inject a geolocation provider (tests); `null` disables IP geolocation. Default: from VIGIL_GEOIP_DB. */
  geo?: GeoIpProvider | null;
  /** Load the geolocation database on first use (replay); the service loads it at start (see mmdb.ts). */
  lazyGeo?: boolean;
}

export async function createEnricher(env: EnrichSettings, log: Logger, deps: EnricherDeps = {}): Promise<Enricher> {
  const geo = createGeoLocator(deps.geo === null ? undefined : (deps.geo ?? (await openGeoProvider(env, log, { lazy: deps.lazyGeo }))));
  const snapshot = parseIpList(TOR_SNAPSHOT_NAME, TOR_SNAPSHOT).list;
  const torUrl = env.VIGIL_TOR_EXIT_LIST_URL;
  let tor: IpList | undefined;
  const lists = new Map<string, IpList>();
  let trusted: IpList[] = [parseIpList('trusted-networks', env.VIGIL_TRUSTED_NETWORKS.join('\n')).list];
  let anonymous: IpList[] = [];
  let suspicious: IpList[] = [];

  async function load(sources: string[]): Promise<IpList[]> {
    const out: IpList[] = [];
    for (const s of sources) {
      const l = (await loadIpListSource(s, log)) ?? lists.get(s);
      if (l) {
        lists.set(s, l);
        out.push(l);
      }
    }
    return out;
  }
  async function reload(withTor: boolean) {
    anonymous = await load(env.VIGIL_ANONYMOUS_IP_LISTS);
    suspicious = await load(env.VIGIL_SUSPICIOUS_IP_LISTS);
    trusted = [parseIpList('trusted-networks', env.VIGIL_TRUSTED_NETWORKS.join('\n')).list];
    if (withTor && torUrl && torUrl.toLowerCase() !== 'off') tor = (await loadIpListSource(torUrl, log, 'tor-exit-list')) ?? tor;
  }
  // IPs repeat (a user keeps their IP for days): remember each IP's marks until the lists change.
  const memo = new Map<string, Intel | null>();
  const lookup = (ip: string): Intel | undefined => {
    let found = memo.get(ip);
    if (found === undefined) {
      found = intelOf(ip, [tor ?? snapshot, ...anonymous], suspicious, trusted) ?? null;
      if (memo.size >= 200_000) memo.clear();
      memo.set(ip, found);
    }
    return found ?? undefined;
  };
  // At start-up only configured sources are read; the Tor Project list is fetched by the refresh job.
  await reload(false);
  return {
    enrich: (e) => {
      const located = geo(e);
      const ip = located.location?.ip;
      return ip ? withIntel(located, lookup(ip)) : located;
    },
    refresh: async () => {
      await reload(true);
      memo.clear();
    },
  };
}
