import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a SIEM delivery. Receivers read them case-insensitively. */
export const SIEM_HEADERS = {
  signature: 'x-vigil-signature',
  timestamp: 'x-vigil-timestamp',
  idempotencyKey: 'idempotency-key',
  schema: 'x-vigil-schema',
} as const;

/** `v1=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` with the shared secret. */
export function signSiemBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Receiver side: check the signature over the raw body bytes and that the timestamp is fresh (default
 * 5 minutes either way), so a captured request cannot be replayed later. Comparison is constant-time.
 */
export function verifySiemSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: number;
  toleranceSec?: number;
}): VerifyResult {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed X-Vigil-Timestamp' };
  if (!signature) return { ok: false, reason: 'missing X-Vigil-Signature' };
  const ts = Number(timestamp);
  const nowSec = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSec - ts) > (input.toleranceSec ?? 300)) return { ok: false, reason: 'timestamp outside the allowed window' };
  const expected = Buffer.from(signSiemBody(secret, ts, body));
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
