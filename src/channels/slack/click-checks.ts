import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';

/**
 * Cross-checks on signed clicks (issue 14): a valid Slack signature says the request came from Slack, not
 * that every field in it is one Vigil put there. Each check below refuses a field that does not match what
 * Vigil itself stored or signed.
 */

/** The key that signs the suspend modal's private_metadata, derived from a Slack secret (never the secret itself). */
export function metadataKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('vigil/slack/private_metadata/v1').digest();
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');

/** `<json>.<hmac>`: what goes into private_metadata (43 characters more than the JSON). */
export function signMetadata(key: Buffer, json: string): string {
  return `${json}.${mac(key, json)}`;
}

/** The JSON Vigil signed, or undefined when the metadata was not signed by this Vigil or was changed. */
export function verifyMetadata(key: Buffer, signed: string): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const json = signed.slice(0, dot);
  const got = Buffer.from(signed.slice(dot + 1));
  const want = Buffer.from(mac(key, json));
  return got.length === want.length && timingSafeEqual(got, want) ? json : undefined;
}

/** The alert named in a button is the alert whose card was clicked (its stored Slack delivery is that message). */
export async function cardShowsAlert(store: Store, alertId: string, where: { channel: string; ts: string }): Promise<boolean> {
  const d = await store.getDelivery('slack', alertId).catch(() => undefined);
  const ref = d?.ref as { channel?: unknown; ts?: unknown } | undefined;
  return ref?.channel === where.channel && ref?.ts === where.ts;
}
