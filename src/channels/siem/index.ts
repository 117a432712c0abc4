import { createHash } from 'node:crypto';
import { fetchJson } from '../../http/fetch-json.js';
import type { RetryPolicy } from '../../http/retry.js';
import { registerSecrets } from '../../log.js';
import { SIEM_SCHEMA, buildSiemPayload, deliveryId } from './payload.js';
import { SIEM_HEADERS, signSiemBody } from './signature.js';
import type { AlertChannel, AlertView, PriorDelivery } from '../../domain/index.js';

export { SiemAlertV1, SIEM_SCHEMA, buildSiemPayload } from './payload.js';
export { SIEM_HEADERS, signSiemBody, verifySiemSignature } from './signature.js';

export interface WebhookChannelOptions {
  url: string;
  secret: string;
  /** Full Authorization header value (e.g. `Bearer abc`), sent as is. */
  authorization?: string;
  now?: () => number;
  timeoutMs?: number;
  /** In-process retries of one attempt; the outbox retries later with backoff after that. */
  retry?: Partial<RetryPolicy>;
}

/** Stable channel name per receiver URL (the delivery records are keyed on it); never shows the URL itself. */
export function siemChannelName(url: string): string {
  return `siem-${createHash('sha256').update(url).digest('hex').slice(0, 10)}`;
}

/**
 * One SIEM receiver. Every alert revision is POSTed once as `vigil.alert/v1` JSON, signed with HMAC-SHA256
 * over `<timestamp>.<body>`. The body of a revision is identical on every retry, and the Idempotency-Key
 * header (`<alert id>.r<revision>`) lets the receiver drop a repeat. A non-2xx answer throws: the outbox
 * retries later.
 */
export function createWebhookChannel(opts: WebhookChannelOptions): AlertChannel {
  // Some receivers carry their credential in the URL (e.g. an HTTP collector code): never log it.
  registerSecrets([opts.secret, opts.authorization, opts.url]);
  const now = opts.now ?? Date.now;
  const host = new URL(opts.url).host;
  const name = siemChannelName(opts.url);
  return {
    name,
    async deliver(view: AlertView, previous: PriorDelivery | undefined) {
      const event = previous?.deliveredAt ? 'alert.updated' : 'alert.created';
      const body = JSON.stringify(buildSiemPayload(view, event));
      const timestamp = Math.floor(now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'vigil-siem/1',
        [SIEM_HEADERS.schema]: SIEM_SCHEMA,
        [SIEM_HEADERS.timestamp]: String(timestamp),
        [SIEM_HEADERS.signature]: signSiemBody(opts.secret, timestamp, body),
        [SIEM_HEADERS.idempotencyKey]: deliveryId(view),
      };
      if (opts.authorization) headers.authorization = opts.authorization;
      const res = await fetchJson(opts.url, {
        service: `SIEM webhook ${host}`,
        method: 'POST',
        headers,
        body,
        timeoutMs: opts.timeoutMs ?? 15_000,
        // Keep the signed timestamp well inside a receiver's 5-minute window across in-process retries.
        retry: { maxRetries: 2, maxRetryAfterMs: 60_000, ...opts.retry },
      });
      return { deliveryId: deliveryId(view), status: String(res.status) };
    },
  };
}

/** One channel per URL in VIGIL_SIEM_WEBHOOK_URLS, so a failing receiver never holds back the others. */
export function createWebhookChannels(opts: Omit<WebhookChannelOptions, 'url'> & { urls: string[] }): AlertChannel[] {
  const { urls, ...rest } = opts;
  return [...new Set(urls)].map((url) => createWebhookChannel({ ...rest, url }));
}
