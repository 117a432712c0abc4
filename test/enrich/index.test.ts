import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../src/config/detection.js';
import { createEnricher } from '../../src/enrich/index.js';
import { TOR_SNAPSHOT_NAME } from '../../src/enrich/tor-snapshot.js';
import { ev, P, T0 } from '../fixtures/event.js';

const log = pino({ level: 'silent' });
const at = (ip: string) => ev({ time: T0, at: P.berlin, ip });

function files(content: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-enrich-'));
  return Object.fromEntries(
    Object.entries(content).map(([name, text]) => {
      writeFileSync(path.join(dir, name), text);
      return [name, path.join(dir, name)];
    }),
  );
}

describe('enricher', () => {
  it('marks Tor exits from the shipped snapshot, list files, and trusted networks', async () => {
    const f = files({ 'vpn.txt': '# consumer VPN\n198.51.100.0/24\n', 'intel.txt': '203.0.113.9\nnot-an-ip\n' });
    const env = detectionSchema.parse({
      VIGIL_ANONYMOUS_IP_LISTS: f['vpn.txt'],
      VIGIL_SUSPICIOUS_IP_LISTS: f['intel.txt'],
      VIGIL_TRUSTED_NETWORKS: '192.0.2.0/24',
      VIGIL_TOR_EXIT_LIST_URL: 'off',
    });
    const enricher = await createEnricher(env, log, { geo: null });
    expect(enricher.enrich(at('185.220.101.47')).intel).toEqual({ anonymous: [TOR_SNAPSHOT_NAME] });
    expect(enricher.enrich(at('198.51.100.77')).intel).toEqual({ anonymous: ['vpn.txt'] });
    expect(enricher.enrich(at('203.0.113.9')).intel).toEqual({ suspicious: ['intel.txt'] });
    expect(enricher.enrich(at('192.0.2.10')).intel).toEqual({ trusted: true });
    expect(enricher.enrich(at('8.8.8.8')).intel).toBeUndefined();
    // Geo enrichment runs too: the ISO code is filled from the country name.
    expect(enricher.enrich(at('8.8.8.8')).location?.countryCode).toBe('DE');
  });

  it('loads https list URLs (retrying a 429) and the refresh job replaces the Tor snapshot', async () => {
    const intel = nock('https://intel.example.com').get('/spray.txt').reply(429, 'slow down', { 'retry-after': '0' }).get('/spray.txt').reply(200, '45.155.205.0/24\n');
    const env = detectionSchema.parse({ VIGIL_SUSPICIOUS_IP_LISTS: 'https://intel.example.com/spray.txt', VIGIL_TOR_EXIT_LIST_URL: 'https://tor.example.org/torbulkexitlist' });
    const enricher = await createEnricher(env, log, { geo: null });
    intel.done();
    expect(enricher.enrich(at('45.155.205.77')).intel).toEqual({ suspicious: ['spray.txt'] });
    expect(enricher.enrich(at('185.220.101.47')).intel?.anonymous).toEqual([TOR_SNAPSHOT_NAME]);

    const tor = nock('https://tor.example.org').get('/torbulkexitlist').reply(200, '203.0.113.50\n');
    nock('https://intel.example.com').get('/spray.txt').reply(200, '45.155.205.0/24\n');
    await enricher.refresh!();
    tor.done();
    expect(enricher.enrich(at('203.0.113.50')).intel?.anonymous).toEqual(['tor-exit-list']);
    expect(enricher.enrich(at('185.220.101.47')).intel).toBeUndefined();
  });

  it('a failed refresh keeps the previous copy of every list', async () => {
    nock('https://intel.example.com').get('/spray.txt').reply(200, '45.155.205.0/24\n');
    const env = detectionSchema.parse({ VIGIL_SUSPICIOUS_IP_LISTS: 'https://intel.example.com/spray.txt', VIGIL_TOR_EXIT_LIST_URL: 'https://tor.example.org/list' });
    const enricher = await createEnricher(env, log, { geo: null });
    nock('https://intel.example.com').get('/spray.txt').reply(404, 'gone');
    nock('https://tor.example.org').get('/list').reply(404, 'gone');
    await enricher.refresh!();
    expect(enricher.enrich(at('45.155.205.77')).intel).toStrictEqual({ suspicious: ['spray.txt'] });
    expect(enricher.enrich(at('185.220.101.47')).intel).toStrictEqual({ anonymous: [TOR_SNAPSHOT_NAME] });
  });
});
