import type { NormalizedEvent } from '../domain/index.js';
import { countryByCode, countryByName } from './countries.js';

/** One IP's place from an offline database. */
export interface GeoIpResult {
  countryCode?: string;
  city?: string;
  region?: string;
  lat?: number;
  lon?: number;
}

/** Offline IP geolocation (the real one is maxmind over an .mmdb; tests stub it). */
export interface GeoIpProvider {
  readonly name: string;
  lookup(ip: string): GeoIpResult | undefined;
}

/**
 * Fill `location.countryCode/lat/lon/geoSource`:
 * 1. the event's own `geo` ("lat,lon", parsed by the normaliser: geoSource `event`);
 * 2. else the IP through the offline database (`ip`) — only when it agrees with the event's country;
 * 3. else the country's centroid (`country`).
 * The country always comes from the event's `countryName` when present; the database only fills it when absent.
 */
export function createGeoLocator(provider?: GeoIpProvider): (e: NormalizedEvent) => NormalizedEvent {
  return (e) => {
    const l = e.location;
    if (!l) return e;
    const named = countryByName(l.countryName) ?? countryByCode(l.countryCode);
    let countryCode = l.countryCode?.toUpperCase() ?? named?.code;
    let countryName = l.countryName ?? named?.name;
    if (l.lat !== undefined && l.lon !== undefined) {
      return countryCode === l.countryCode && countryName === l.countryName ? e : { ...e, location: { ...l, countryCode, countryName } };
    }
    let found: GeoIpResult | undefined;
    if (l.ip && provider) {
      try {
        found = provider.lookup(l.ip);
      } catch {
        found = undefined; // an unparseable IP is simply not located
      }
    }
    if (found?.countryCode && !countryCode) {
      countryCode = found.countryCode.toUpperCase();
      countryName = countryByCode(countryCode)?.name ?? countryCode;
    }
    if (found && found.lat !== undefined && found.lon !== undefined && found.countryCode?.toUpperCase() === countryCode) {
      return {
        ...e,
        location: {
          ...l,
          countryCode,
          countryName,
          ...(l.city || !found.city ? {} : { city: found.city }),
          ...(l.region || !found.region ? {} : { region: found.region }),
          lat: found.lat,
          lon: found.lon,
          geoSource: 'ip',
        },
      };
    }
    const centroid = countryByCode(countryCode);
    if (!countryCode) return e;
    return {
      ...e,
      location: { ...l, countryCode, countryName, ...(centroid ? { lat: centroid.lat, lon: centroid.lon, geoSource: 'country' as const } : {}) },
    };
  };
}
