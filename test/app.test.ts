import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { readCredentials } from '../src/doctor/credentials.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from './fakes/atlassian.js';
import { startFakeSlack } from './fakes/slack.js';
import { makeAlert } from './fixtures/alert.js';
import { captureLogger } from './helpers/pipeline.js';
import { parsePrometheusText, sampleValue } from './runtime/prom-text.js';

let app: VigilApp | undefined;
let fake: FakeAtlassian | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  for (const c of closers.splice(0)) await c();
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
    // the standard process/Node.js metrics, unprefixed, and which build is running, in a valid exposition
    const fam = parsePrometheusText(metrics);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(fam.get(name)?.samples[0]?.value, name).toBeGreaterThanOrEqual(0);
    }
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(fam.get('vigil_build_info')?.type).toBe('gauge');
    expect(sampleValue(fam, 'vigil_build_info', { version, nodejs_version: process.version })).toBe(1);
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

describe('daily housekeeping', () => {
  it('posts the API key expiry warning to the Slack alert channel once, and prunes old alerts', async () => {
    const DAY = 86_400_000;
    const expires = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
    const slack = await startFakeSlack({ token: 'xoxb-1-2-housekeeping' });
    closers.push(() => slack.close());
    const cfg = loadConfig({
      VIGIL_STORE_URL: 'memory://',
      ATLASSIAN_API_KEY_EXPIRES: expires,
      SLACK_BOT_TOKEN: 'xoxb-1-2-housekeeping',
      SLACK_SIGNING_SECRET: 'slack-signing-secret-000000',
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_RESPONDERS: 'U0ALICE',
      VIGIL_RETENTION_DAYS: '30',
      SLACK_API_URL: slack.url,
    });
    const { log } = captureLogger('error');
    app = await createApp(cfg, log, { http: false });
    const old = makeAlert({ id: 'old', firstSeen: 1, lastSeen: Date.now() - 40 * DAY });
    await app.store.saveAlerts([old]);
    await app.housekeeping();
    await app.housekeeping(); // the same warning is not posted twice
    const posted = slack.of('chat.postMessage').map((b) => `${b.channel} ${b.text}`);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/^C0ALERTS :warning: The Atlassian API key expires in \d day/);
    expect(await app.store.getAlert('old')).toBeUndefined();
  });
});
