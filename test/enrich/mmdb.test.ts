import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
    // Google in Frankfurt: the IPv4 file answered Guangzhou (CN) for this address before lookups kept to its family.
    expect(geo.lookup('2a00:1450:4001:80b::200e')).toMatchObject({ countryCode: 'DE', city: 'Frankfurt am Main' });
    expect(geo.lookup('not an ip')).toBeUndefined();
    expect(geo.lookup('127.0.0.1')).toBeUndefined();
  });

  it('VIGIL_GEOIP_DB: off disables it; an unreadable path falls back to centroids without failing', async () => {
    expect(await openGeoProvider({ VIGIL_GEOIP_DB: 'off' }, log)).toBeUndefined();
    expect(await openGeoProvider({ VIGIL_GEOIP_DB: '/nonexistent/city.mmdb' }, log)).toBeUndefined();
  });

  it('loads eagerly by default (the service): a file that is not a database fails at start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-mmdb-'));
    const bad = path.join(dir, 'city.mmdb');
    writeFileSync(bad, 'not a database');
    await expect(openMmdbProvider([bad], log)).rejects.toThrow();
    expect(await openGeoProvider({ VIGIL_GEOIP_DB: bad }, log)).toBeUndefined(); // logged; centroids instead
  });

  it('lazily (replay) loads each file on first use only: IPv4 lookups never load the IPv6 file, events with coordinates load none', async () => {
    const files = bundledDbipFiles()!;
    const lines: Array<{ msg: string; file?: string }> = [];
    const capture = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string; file?: string }) });
    const geo = await openMmdbProvider([files.v4, files.v6], capture, { lazy: true });
    const loaded = () => lines.filter((l) => l.msg === 'IP geolocation database loaded').map((l) => l.file);
    expect(loaded()).toEqual([]);
    expect(geo.lookup('81.2.69.142')?.countryCode).toBe('GB');
    expect(geo.lookup('185.220.101.1')?.countryCode).toBe('DE');
    expect(loaded()).toEqual([files.v4]);
    expect(geo.lookup('2a00:1450:4001:80b::200e')?.countryCode).toBe('DE');
    expect(loaded()).toEqual([files.v4, files.v6]);
  });

  it('never asks an IPv4-only database about an IPv6 address, whatever the file is called', async () => {
    const files = bundledDbipFiles()!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-mmdb-'));
    const v4 = path.join(dir, 'city.mmdb');
    writeFileSync(v4, readFileSync(files.v4));
    const geo = await openMmdbProvider([v4], log);
    expect(geo.lookup('81.2.69.142')?.countryCode).toBe('GB');
    expect(geo.lookup('2a00:1450:4001:80b::200e')).toBeUndefined();
  });

  it('a file that exists but is not a database is reported once and skipped', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-mmdb-'));
    const bad = path.join(dir, 'city.mmdb');
    writeFileSync(bad, 'not a database');
    const lines: Array<{ msg: string }> = [];
    const capture = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string }) });
    const geo = await openMmdbProvider([bad], capture, { lazy: true });
    expect(geo.lookup('81.2.69.142')).toBeUndefined();
    expect(geo.lookup('81.2.69.143')).toBeUndefined();
    expect(lines.filter((l) => l.msg.startsWith('IP geolocation database could not be read'))).toHaveLength(1);
  });
});
