import type { WebClient } from '@slack/web-api';
import type { AlertView } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { cardMap, type MapRenderer } from '../../render/safe.js';
import type { SlackSender } from './sender.js';
import { esc, plain } from './text.js';

/** What a delivery ref records about the card's map: the shared file's id, or how many attempts failed. */
export interface MapRef {
  channel: string;
  ts: string;
  thread_ts?: string;
  map?: string;
  mapTries?: string;
}

export interface MapUploadOptions {
  client: WebClient;
  sender: SlackSender;
  log: Logger;
  /** SLACK_API_URL (tests, a proxy): an upload_url on its host may be plain http. Otherwise only https is used. */
  apiUrl?: string;
  render?: MapRenderer;
  fetch?: typeof fetch;
}

/** A card whose map could not be shared after this many revisions stops trying (no warning on every change). */
const MAX_TRIES = 3;
const UPLOAD_TIMEOUT_MS = 20_000;

/**
 * Shares an alert's travel map in the card's thread, once, with Slack's external upload flow
 * (https://docs.slack.dev/reference/methods/files.getUploadURLExternal): files.getUploadURLExternal → POST the
 * bytes to the upload_url it returned → files.completeUploadExternal with channel_id + thread_ts. Runs after the
 * card was posted and never throws: a failure is a warning and a count in the ref, and the card stays complete.
 * Every call goes through the sender (429 handling; the share, which posts into the channel, is paced with it).
 */
export function createMapUploader(opts: MapUploadOptions) {
  const doFetch = opts.fetch ?? fetch;
  const apiHost = opts.apiUrl ? new URL(opts.apiUrl).host : undefined;

  /** Slack's upload_url is an outside address: https only (or the configured API's own host, for tests). */
  function uploadTarget(raw: unknown): URL {
    let url: URL;
    try {
      url = new URL(String(raw));
    } catch {
      throw new Error('files.getUploadURLExternal answered without a usable upload_url');
    }
    if (url.protocol !== 'https:' && !(apiHost && url.host === apiHost && url.protocol === 'http:'))
      throw new Error(`refusing to upload to a ${url.protocol.replace(':', '')} address on ${url.host} (https only)`);
    return url;
  }

  async function share(view: AlertView, ref: MapRef, png: Buffer, alt: string): Promise<string> {
    const alert = view.alert;
    const filename = `travel-map-${alert.id.replace(/[^\w.-]/g, '_').slice(0, 60)}.png`;
    const got = (await opts.sender.call('files.getUploadURLExternal', () =>
      // alt_txt as the method's reference spells it (the SDK's typed argument says alt_text).
      opts.client.apiCall('files.getUploadURLExternal', { filename, length: png.length, alt_txt: plain(alt, 1000) }),
    )) as { upload_url?: unknown; file_id?: unknown };
    const target = uploadTarget(got.upload_url);
    if (typeof got.file_id !== 'string' || !/^F[A-Z0-9]+$/.test(got.file_id)) throw new Error('files.getUploadURLExternal answered without a file_id');
    const fileId = got.file_id;
    await opts.sender.call('files.upload (bytes)', async () => {
      const res = await doFetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(png),
        signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the upload answered HTTP ${res.status}`);
    });
    await opts.sender.share(ref.channel, 'files.completeUploadExternal', () =>
      opts.client.files.completeUploadExternal({
        files: [{ id: fileId, title: plain(`Travel map: ${alt}`, 250) }],
        channel_id: ref.channel,
        thread_ts: ref.thread_ts ?? ref.ts,
        initial_comment: `:world_map: ${esc(alt, 1000)}`,
      }),
    );
    return fileId;
  }

  /** The ref with the map shared (or one more failed try recorded); unchanged when there is nothing to do. */
  return async function withMap<R extends MapRef>(view: AlertView, ref: R): Promise<R> {
    const tries = Number(ref.mapTries ?? 0);
    if (ref.map || tries >= MAX_TRIES) return ref;
    const map = await cardMap(view.alert, { log: opts.log, render: opts.render });
    if (!map) return ref;
    try {
      const fileId = await share(view, ref, map.png, map.alt);
      const { mapTries: _, ...rest } = ref;
      return { ...rest, map: fileId } as R;
    } catch (err) {
      opts.log.warn({ alertId: view.alert.id, err: (err as Error).message, tries: tries + 1 }, 'Slack: travel map not shared; the card is complete without it');
      return { ...ref, mapTries: String(tries + 1) };
    }
  };
}
export type MapUploader = ReturnType<typeof createMapUploader>;
