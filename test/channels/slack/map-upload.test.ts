import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../helpers/pipeline.js';
import { decodePng } from '../../render/png-decode.js';
import { TRIPS } from '../../render/trips.js';
import { sampleView } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const travelView = (revision = 1) => sampleView({}, { facts: TRIPS.tokyoLosAngeles.facts, revision });
const methods = (hh: Harness) => hh.slack.calls.map((c) => c.method).filter((m) => m !== 'auth.test');

describe('Slack: the travel map in the card thread', () => {
  it('posts the card first, then uploads the PNG and shares it in the card thread; the ref records the file', async () => {
    h = await startHarness();
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(methods(h)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    const [up] = h.slack.uploads;
    expect(up).toMatchObject({ filename: 'travel-map-al_travel_1.png', altText: 'Tokyo, Japan → Los Angeles, United States; 8,815 km · 2 h 5 min · 4,231 km/h' });
    expect(up!.bytes!.length).toBe(up!.length);
    expect(decodePng(up!.bytes!).width).toBe(480);
    expect(up!.shared).toMatchObject({ channel_id: 'C0ALERTS', thread_ts: ref.ts, title: expect.stringContaining('Travel map: Tokyo, Japan → Los Angeles') });
    const reply = h.slack.messages.find((m) => m.files);
    expect(reply).toMatchObject({ channel: 'C0ALERTS', thread_ts: ref.ts, files: [{ id: up!.fileId }], text: expect.stringContaining(':world_map: Tokyo, Japan') });
    expect(ref).toMatchObject({ channel: 'C0ALERTS', ts: expect.any(String), map: up!.fileId });
  });

  it('a redraw does not upload again; an alert without places uploads nothing', async () => {
    h = await startHarness();
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    const again = await h.integration.channel.deliver(travelView(2), { ref, deliveredAt: 1 });
    expect(again.map).toBe(ref.map);
    expect(h.slack.of('chat.update')).toHaveLength(1);
    expect(h.slack.uploads).toHaveLength(1);
    await h.integration.channel.deliver(sampleView({}, { id: 'al_other', facts: {} }), undefined);
    expect(h.slack.uploads).toHaveLength(1);
  });

  it('a renderer that throws: the card is posted intact, nothing is uploaded, one warning', async () => {
    const { log, lines } = captureLogger();
    h = await startHarness({ log, mapRenderer: () => { throw new Error('renderer exploded'); } });
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(methods(h)).toEqual(['chat.postMessage']);
    expect(h.slack.cards()).toHaveLength(1);
    expect(ref.map).toBeUndefined();
    expect(lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ alertId: 'al_travel_1', err: 'renderer exploded' })]);
  });

  it('Slack refusing the upload (missing_scope) leaves the card and counts a try; a later revision shares it', async () => {
    const { log, lines } = captureLogger();
    h = await startHarness({ log });
    h.slack.once('files.getUploadURLExternal', { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'chat:write' });
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(h.slack.cards()).toHaveLength(1);
    expect(ref).toMatchObject({ mapTries: '1' });
    expect(ref.map).toBeUndefined();
    expect(lines.find((l) => l.level === 40)?.err).toMatch(/missing_scope/);
    const later = await h.integration.channel.deliver(travelView(2), { ref, deliveredAt: 1 });
    expect(later.map).toBe(h.slack.uploads[0]!.fileId);
    expect(later.mapTries).toBeUndefined();
  });

  it('gives up after three failed revisions instead of warning on every change', async () => {
    h = await startHarness();
    let ref: Record<string, string> = {};
    for (let rev = 1; rev <= 5; rev++) {
      h.slack.once('files.getUploadURLExternal', { ok: false, error: 'internal_error' });
      const previous = rev === 1 ? undefined : { ref, deliveredAt: 1 };
      ref = await h.integration.channel.deliver(travelView(rev), previous);
    }
    expect(ref.mapTries).toBe('3');
    expect(h.slack.of('files.getUploadURLExternal')).toHaveLength(3);
    expect(h.slack.cards()).toHaveLength(1);
  });

  // Logged at info, Vigil's default level (at debug the WebClient itself logs whole response bodies).
  it('an upload_url that is not https (and not the configured API host) is never POSTed to', async () => {
    const { log, raw } = captureLogger('info');
    h = await startHarness({ log });
    h.slack.once('files.getUploadURLExternal', { ok: true, upload_url: 'http://files.example.net/upload/v1/abc?sig=SECRET-SIGNATURE', file_id: 'F0EVIL' });
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(ref.mapTries).toBe('1');
    expect(h.slack.of('files.completeUploadExternal')).toEqual([]);
    expect(raw.join('')).toMatch(/refusing to upload to a http address on files\.example\.net/);
    expect(raw.join('')).not.toContain('SECRET-SIGNATURE');
  });

  it('an upload the file service refuses is not shared, and its URL is not logged', async () => {
    const { log, raw } = captureLogger('info');
    h = await startHarness({ log });
    const origin = new URL(h.slack.url).origin;
    h.slack.once('files.getUploadURLExternal', { ok: true, upload_url: `${origin}/upload/v1/unknown?sig=SECRET-SIGNATURE`, file_id: 'F0GONE' });
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(ref.mapTries).toBe('1');
    expect(h.slack.of('files.completeUploadExternal')).toEqual([]);
    expect(raw.join('')).toMatch(/the upload answered HTTP 404/);
    expect(raw.join('')).not.toContain('SECRET-SIGNATURE');
  });

  it('waits out a 429 on files.getUploadURLExternal like every other call', async () => {
    h = await startHarness();
    h.slack.rateLimit('files.getUploadURLExternal', 1, 3);
    const ref = await h.integration.channel.deliver(travelView(), undefined);
    expect(h.sleeps).toContain(3000);
    expect(ref.map).toBe(h.slack.uploads[0]!.fileId);
  });
});
