import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { readCredentials } from '../src/ops/credentials.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from './helpers/fake-atlassian.js';
import { captureLogger } from './helpers/pipeline.js';

let app: VigilApp | undefined;
let fake: FakeAtlassian | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

describe('the composed service', () => {
  it('serves the webhook, health and metrics on one server, and counts what it read', async () => {
    const secret = 'app-test-webhook-secret-0001';
    const cfg = loadConfig({ PORT: '0', VIGIL_WEBHOOK_SECRET: secret, VIGIL_STORE_URL: 'memory://' });
    const { log } = captureLogger('warn');
    app = await createApp(cfg, log);
    const { port } = await app.start();
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const r = await fetch(`${base}/webhooks/atlassian`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify([rawEvent({ id: 'a1', time: Date.UTC(2026, 10, 1), ip: '203.0.113.1' }), rawEvent({ id: 'a2', time: Date.UTC(2026, 10, 1, 1), ip: '203.0.113.1' })]),
    });
    expect(r.status).toBe(202);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^vigil_events_read_total 2$/m);
    expect((await fetch(`${base}/webhooks/atlassian`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('records a rejected Atlassian key from a sweep, so /readyz can report it', async () => {
    fake = await startFakeAtlassian();
    fake.events.push(rawEvent({ id: 'x', time: Date.UTC(2026, 10, 1) }));
    const cfg = loadConfig({
      ATLASSIAN_ORG_ID: fake.orgId,
      ATLASSIAN_API_KEY: 'revoked-key-00000000',
      ATLASSIAN_API_BASE_URL: fake.url,
      VIGIL_STORE_URL: 'memory://',
    });
    const { log } = captureLogger('error');
    app = await createApp(cfg, log, { http: false });
    const s = await app.sweep();
    expect(s).toMatchObject({ ok: false, errorCode: 'upstream_auth' });
    expect((await readCredentials(app.store)).atlassian).toMatchObject({ ok: false, detail: expect.stringMatching(/API key invalid or expired/) });
  });
});
