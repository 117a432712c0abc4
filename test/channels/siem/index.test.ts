import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SiemAlertV1,
  buildSiemPayload,
  createWebhookChannel,
  createWebhookChannels,
  signSiemBody,
  siemChannelName,
  verifySiemSignature,
} from '../../../src/channels/siem/index.js';
import { createLogger } from '../../../src/log.js';
import { createOutbox } from '../../../src/pipeline/outbox.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore } from '../../../src/store/store.js';
import { DANA_T0 as T0, makeAlert, makeOutcome, makeView } from '../../fixtures/alert.js';
import { startReceiver } from './receiver.js';

const SECRET = 'siem-secret-0123456789abcdef';
const golden = JSON.parse(readFileSync(new URL('./webhook.golden.json', import.meta.url), 'utf8')) as unknown;
const receivers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
});
async function receiver(statuses?: number[]) {
  const r = await startReceiver(statuses);
  receivers.push(r);
  return r;
}

describe('SIEM payload vigil.alert/v1', () => {
  it('matches the golden document for an actioned alert', () => {
    const view = makeView({
      alert: makeAlert({ status: 'actioned', revision: 3 }),
      outcomes: [makeOutcome(), makeOutcome({ kind: 'revoke-sessions', status: 'done', message: 'Sessions revoked', at: T0 + 59 * 60_000 })],
      audit: [{ at: T0 + 60 * 60_000, alertId: 'a1b2c3d4e5f60718', what: 'suspend', by: 'slack:U012ABC', outcome: 'done', detail: { secretish: 'not exported' } }],
    });
    const payload = buildSiemPayload(view, 'alert.updated');
    expect(payload).toEqual(golden);
    expect(SiemAlertV1.safeParse(payload).success).toBe(true);
  });

  it('leaves optional fields out rather than sending nulls', () => {
    const view = makeView({ alert: makeAlert({ runbook: undefined, actor: { id: 'acc-1' } }) });
    const payload = buildSiemPayload(view, 'alert.created');
    expect(payload.alert.actor).toEqual({ id: 'acc-1' });
    expect('runbook' in payload.alert).toBe(false);
    expect(payload.links).toEqual({});
    expect(JSON.stringify(payload)).not.toContain('null');
  });
});

describe('SIEM signature', () => {
  const body = '{"schema":"vigil.alert/v1"}';
  const now = T0;
  const ts = Math.floor(now / 1000);

  it('round-trips: what the sender signs the receiver accepts', () => {
    const signature = signSiemBody(SECRET, ts, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySiemSignature({ secret: SECRET, body, timestamp: String(ts), signature, now })).toEqual({ ok: true });
  });

  it('rejects a changed body, a wrong secret, a stale or missing timestamp', () => {
    const signature = signSiemBody(SECRET, ts, body);
    expect(verifySiemSignature({ secret: SECRET, body: body + ' ', timestamp: String(ts), signature, now }).ok).toBe(false);
    expect(verifySiemSignature({ secret: 'another-secret-000000', body, timestamp: String(ts), signature, now }).ok).toBe(false);
    expect(verifySiemSignature({ secret: SECRET, body, timestamp: String(ts), signature, now: now + 301_000 })).toEqual({
      ok: false,
      reason: 'timestamp outside the allowed window',
    });
    expect(verifySiemSignature({ secret: SECRET, body, timestamp: undefined, signature, now }).ok).toBe(false);
    expect(verifySiemSignature({ secret: SECRET, body, timestamp: String(ts), signature: undefined, now }).ok).toBe(false);
    // The timestamp is part of what is signed: moving it invalidates the signature.
    expect(verifySiemSignature({ secret: SECRET, body, timestamp: String(ts + 1), signature, now }).ok).toBe(false);
  });
});

describe('SIEM webhook channel against a real loopback receiver', () => {
  it('POSTs the signed payload with timestamp, idempotency key and Authorization', async () => {
    const r = await receiver();
    const channel = createWebhookChannel({ url: r.url, secret: SECRET, authorization: 'Bearer hec-token-123456', now: () => T0 });
    const view = makeView();
    const ref = await channel.deliver(view, undefined);

    expect(ref).toEqual({ deliveryId: 'a1b2c3d4e5f60718.r1', status: '200' });
    expect(r.received).toHaveLength(1);
    const req = r.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['authorization']).toBe('Bearer hec-token-123456');
    expect(req.headers['idempotency-key']).toBe('a1b2c3d4e5f60718.r1');
    expect(req.headers['x-vigil-schema']).toBe('vigil.alert/v1');
    expect(req.headers['x-vigil-timestamp']).toBe(String(Math.floor(T0 / 1000)));
    const verdict = verifySiemSignature({
      secret: SECRET,
      body: req.body,
      timestamp: req.headers['x-vigil-timestamp'] as string,
      signature: req.headers['x-vigil-signature'] as string,
      now: T0 + 2_000,
    });
    expect(verdict).toEqual({ ok: true });
    expect(JSON.parse(req.body)).toEqual(buildSiemPayload(view, 'alert.created'));
  });

  it('retries a 503 in place with the same body and idempotency key', async () => {
    const r = await receiver([503, 200]);
    const channel = createWebhookChannel({ url: r.url, secret: SECRET, now: () => T0, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    await channel.deliver(makeView(), undefined);
    expect(r.received).toHaveLength(2);
    expect(r.received[0]!.body).toBe(r.received[1]!.body);
    expect(r.received[0]!.headers['idempotency-key']).toBe(r.received[1]!.headers['idempotency-key']);
  });

  it('throws on a rejected delivery (so the outbox retries later) without leaking the secret', async () => {
    const r = await receiver([400]);
    const channel = createWebhookChannel({ url: r.url, secret: SECRET, now: () => T0 });
    const err = await channel.deliver(makeView(), undefined).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/HTTP 400/);
    expect(err?.message).not.toContain(SECRET);
    expect(r.received).toHaveLength(1);
  });
});

describe('SIEM delivery through the outbox', () => {
  it('delivers each revision once per receiver, and a failing receiver does not hold back the other', async () => {
    const good = await receiver([200]);
    const bad = await receiver([500]);
    const store = createStore(createMemoryKV());
    let now = T0;
    const channels = createWebhookChannels({
      urls: [good.url, bad.url, good.url],
      secret: SECRET,
      now: () => now,
      retry: { maxRetries: 0 },
    });
    expect(channels.map((c) => c.name)).toEqual([siemChannelName(good.url), siemChannelName(bad.url)]);
    const outbox = createOutbox({ store, channels, log: createLogger('silent'), dryRun: false, now: () => now });

    await store.saveAlerts([makeAlert()]);
    const first = await outbox.drain();
    expect(first).toMatchObject({ delivered: 1, failed: 1, pending: 1 });
    expect(good.received).toHaveLength(1);
    expect(JSON.parse(good.received[0]!.body)).toMatchObject({ event: 'alert.created', id: 'a1b2c3d4e5f60718.r1' });

    // Draining again before the failed receiver's backoff elapses sends nothing to anyone.
    await outbox.drain();
    expect(good.received).toHaveLength(1);
    expect(bad.received).toHaveLength(1);

    // A status change is a new revision: one more delivery, as an update.
    now += 60_000;
    await store.updateAlert('a1b2c3d4e5f60718', (a) => ({ ...a, status: 'dismissed' }));
    await outbox.drain();
    expect(good.received).toHaveLength(2);
    const second = JSON.parse(good.received[1]!.body) as SiemAlertV1;
    expect(second).toMatchObject({ event: 'alert.updated', id: 'a1b2c3d4e5f60718.r2', alert: { status: 'dismissed', revision: 2 } });
    expect(bad.received.length).toBeGreaterThanOrEqual(2);
    const badDelivery = await store.getDelivery(siemChannelName(bad.url), 'a1b2c3d4e5f60718');
    expect(badDelivery?.deliveredAt).toBeUndefined();
    expect(badDelivery?.lastError).toMatch(/HTTP 500/);
  });
});
