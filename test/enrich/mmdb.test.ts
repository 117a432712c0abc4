import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openGeoProvider } from '../../src/enrich/index.js';
import { bundledDbipFiles, openMmdbProvider } from '../../src/enrich/mmdb.js';

const log = pino({ level: 'silent' });

describe('bundled DB-IP City Lite database (real maxmind reader)', () => {
  it('is installed and locates a few well-known addresses', async () => {
    const files = bundledDbipFiles();
    expect(files).toBeDefined();
    const geo = await openMmdbProvider([files!.v4, files!.v6], log);
    expect(geo.lookup('81.2.69.142')).toMatchObject({ countryCode: 'GB' });
    const de = geo.lookup('185.220.101.1')!;
    expect(de.countryCode).toBe('DE');
    expect(typeof de.lat).toBe('number');
    expect(geo.lookup('2001:4860:4860::8888')?.countryCode).toBe('US');
    expect(geo.lookup('not an ip')).toBeUndefined();
    expect(geo.lookup('127.0.0.1')).toBeUndefined();
  });

  it('VIGIL_GEOIP_DB: off disables it; an unreadable path falls back to centroids without failing', async () => {
    expect(await openGeoProvider({ VIGIL_GEOIP_DB: 'off' }, log)).toBeUndefined();
    expect(await openGeoProvider({ VIGIL_GEOIP_DB: '/nonexistent/city.mmdb' }, log)).toBeUndefined();
  });
});
