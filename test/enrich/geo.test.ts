import { describe, expect, it } from 'vitest';
import { countryByCode, countryByName } from '../../src/enrich/countries.js';
import { createGeoLocator, type GeoIpProvider } from '../../src/enrich/geo.js';
import { ev, T0 } from '../fixtures/event.js';
import type { NormalizedEvent } from '../../src/domain/index.js';

/** A stub provider: the unit tests stay independent of the real database's size and contents. */
const stub = (table: Record<string, ReturnType<GeoIpProvider['lookup']>>): GeoIpProvider & { calls: string[] } => {
  const calls: string[] = [];
  return {
    name: 'stub',
    calls,
    lookup(ip) {
      calls.push(ip);
      if (ip === 'boom') throw new Error('bad address');
      return table[ip];
    },
  };
};
const raw = (location: NormalizedEvent['location']): NormalizedEvent => ({ ...ev({ time: T0 }), location });

describe('countries', () => {
  it('maps Atlassian country names, official names, aliases and accents to ISO codes', () => {
    expect(countryByName('United States')?.code).toBe('US');
    expect(countryByName('united kingdom')?.code).toBe('GB');
    expect(countryByName('Czech Republic')?.code).toBe('CZ');
    expect(countryByName('Czechia')?.code).toBe('CZ');
    expect(countryByName('Korea, Republic of')?.code).toBe('KR');
    expect(countryByName('Russian Federation')?.code).toBe('RU');
    expect(countryByName('Côte d’Ivoire')?.code ?? countryByName("Cote d'Ivoire")?.code).toBe('CI');
    expect(countryByName('Atlantis')).toBeUndefined();
    expect(countryByName(undefined)).toBeUndefined();
  });

  it('has a centroid for every country', () => {
    const de = countryByCode('de')!;
    expect(de.name).toBe('Germany');
    expect(de.lat).toBeCloseTo(51, 0);
    expect(de.lon).toBeCloseTo(9, 0);
  });
});

describe('geo locator', () => {
  it('keeps the event’s own coordinates and fills the ISO code from the country name', () => {
    const p = stub({});
    const e = createGeoLocator(p)(raw({ ip: '1.2.3.4', countryName: 'Germany', city: 'Berlin', lat: 52.52, lon: 13.4, geoSource: 'event' }));
    expect(e.location).toMatchObject({ countryCode: 'DE', lat: 52.52, lon: 13.4, geoSource: 'event' });
    expect(p.calls).toEqual([]);
  });

  it('uses the IP database when the event has no coordinates and it agrees on the country', () => {
    const p = stub({ '81.2.69.142': { countryCode: 'GB', city: 'London', region: 'England', lat: 51.5, lon: -0.09 } });
    const e = createGeoLocator(p)(raw({ ip: '81.2.69.142', countryName: 'United Kingdom' }));
    expect(e.location).toMatchObject({ countryCode: 'GB', countryName: 'United Kingdom', city: 'London', region: 'England', lat: 51.5, lon: -0.09, geoSource: 'ip' });
  });

  it('the event’s country wins: when the database disagrees, the country centroid is used', () => {
    const p = stub({ '5.6.7.8': { countryCode: 'NL', lat: 52.37, lon: 4.89 } });
    const e = createGeoLocator(p)(raw({ ip: '5.6.7.8', countryName: 'Germany' }));
    expect(e.location).toMatchObject({ countryCode: 'DE', countryName: 'Germany', geoSource: 'country', lat: 51, lon: 9 });
  });

  it('fills the country from the database when the event has only an IP', () => {
    const p = stub({ '5.6.7.8': { countryCode: 'NL', city: 'Amsterdam', lat: 52.37, lon: 4.89 } });
    const e = createGeoLocator(p)(raw({ ip: '5.6.7.8' }));
    expect(e.location).toMatchObject({ countryCode: 'NL', countryName: 'Netherlands', city: 'Amsterdam', geoSource: 'ip' });
  });

  it('falls back to the centroid without a database, and leaves unknown places alone', () => {
    const locate = createGeoLocator(undefined);
    expect(locate(raw({ ip: '9.9.9.9', countryName: 'Japan' })).location).toMatchObject({ countryCode: 'JP', geoSource: 'country', lat: 36, lon: 138 });
    const unknown = raw({ ip: '9.9.9.9', countryName: 'Atlantis' });
    expect(locate(unknown).location).toEqual(unknown.location);
    const none = raw(undefined);
    expect(locate(none)).toBe(none);
    // A provider that throws on a malformed address does not stop enrichment.
    expect(createGeoLocator(stub({}))(raw({ ip: 'boom', countryName: 'France' })).location).toMatchObject({ countryCode: 'FR', geoSource: 'country' });
  });
});
