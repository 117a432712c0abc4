import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionsService } from '../../src/actions/types.js';
import type { AlertChannel } from '../../src/domain/index.js';
import { createLogger } from '../../src/log.js';
import { recordCredential } from '../../src/doctor/credentials.js';
import { registerOpsRoutes, type OpsRoutesDeps } from '../../src/runtime/health.js';
import { countAlerts, createMetrics, instrumentActions, instrumentChannel, observeSweep } from '../../src/runtime/metrics.js';
import { closeServer, createHttpApp, listen } from '../../src/runtime/server.js';
import { createMemoryKV, type KV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { DANA_T0 as T0, makeOutcome, makeView } from '../fixtures/alert.js';
import { parsePrometheusText, sampleValue } from './prom-text.js';

const servers: Server[] = [];
afterEach(async () => {
  while (servers.length) await closeServer(servers.pop()!);
});

async function serve(deps: OpsRoutesDeps) {
  const app = createHttpApp();
  registerOpsRoutes(app, deps);
  const server = await listen(app, '127.0.0.1', 0, createLogger('silent'));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const MIN = 60_000;
const TOKEN = 'metrics-token-0123456789';
/** /readyz with the metrics token: the only way to see the checks. */
const readyz = (base: string) => fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe('/healthz and /readyz', () => {
  it('healthz answers while the process is up', async () => {
    const base = await serve({ store: createStore(createMemoryKV()), metrics: createMetrics() });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('ready with a reachable store, a recent sweep and valid credentials', async () => {
    const store = createStore(createMemoryKV());
    await store.saveLastSweep({ startedAt: T0 - 2 * MIN, finishedAt: T0 - MIN, events: 10, alerts: 0, skipped: 0, ok: true });
    await recordCredential(store, 'atlassian', { ok: true }, T0);
    const base = await serve({ store, metrics: createMetrics(), sweepIntervalMs: 5 * MIN, now: () => T0, metricsToken: TOKEN });
    const res = await readyz(base);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['credentials', 'store', 'sweep']);
    expect(body.checks.credentials!.detail).toContain('atlassian');
  });

  it('not ready when the last sweep is older than 3× the interval', async () => {
    const store = createStore(createMemoryKV());
    await store.saveLastSweep({ startedAt: T0 - 17 * MIN, finishedAt: T0 - 16 * MIN, events: 0, alerts: 0, skipped: 0, ok: true });
    const base = await serve({ store, metrics: createMetrics(), sweepIntervalMs: 5 * MIN, now: () => T0, metricsToken: TOKEN });
    const res = await readyz(base);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    expect(body.checks.sweep).toMatchObject({ ok: false });
    expect(body.checks.store).toMatchObject({ ok: true });
    // At exactly the limit it is still ready.
    const edge = await serve({ store, metrics: createMetrics(), sweepIntervalMs: 5 * MIN, now: () => T0 - MIN });
    expect((await fetch(`${edge}/readyz`)).status).toBe(200);
  });

  it('a fresh process is ready while its first sweep is due, and not ready once it is overdue', async () => {
    const store = createStore(createMemoryKV());
    const fresh = await serve({ store, metrics: createMetrics(), sweepIntervalMs: 5 * MIN, startedAt: T0, now: () => T0 + MIN });
    expect((await fetch(`${fresh}/readyz`)).status).toBe(200);
    const overdue = await serve({ store, metrics: createMetrics(), sweepIntervalMs: 5 * MIN, startedAt: T0, now: () => T0 + 16 * MIN });
    expect((await fetch(`${overdue}/readyz`)).status).toBe(503);
  });

  it('not ready when credentials failed as last seen', async () => {
    const store = createStore(createMemoryKV());
    await recordCredential(store, 'atlassian', { ok: false, detail: 'Atlassian answered HTTP 401: the API key expired' }, T0);
    const base = await serve({ store, metrics: createMetrics(), now: () => T0, metricsToken: TOKEN });
    const res = await readyz(base);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    expect(body.checks.credentials!.detail).toContain('atlassian: Atlassian answered HTTP 401');
  });

  it('not ready when the store fails, without showing the store password', async () => {
    const kv = createMemoryKV();
    const broken: KV = { ...kv, get: async () => Promise.reject(new Error('connect ECONNREFUSED redis://:hunter2pass@10.0.0.5:6379')) };
    const base = await serve({ store: createStore(broken), metrics: createMetrics(), sweepIntervalMs: 5 * MIN, metricsToken: TOKEN });
    const res = await readyz(base);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('store unreachable');
    expect(text).not.toContain('hunter2pass');
  });
});

describe('/readyz tells outsiders ready or not ready, nothing more (issue 14 #7)', () => {
  const failing = async () => {
    const store = createStore(createMemoryKV());
    await recordCredential(store, 'entra-id', { ok: false, detail: 'Graph permission User.EnableDisableAccount.All missing; channel #sec-critical; ECONNREFUSED 10.0.0.5' }, T0);
    return store;
  };

  it('without the metrics token (or with a wrong one): status only', async () => {
    const base = await serve({ store: await failing(), metrics: createMetrics(), now: () => T0, metricsToken: TOKEN });
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }] as Array<Record<string, string>>) {
      const res = await fetch(`${base}/readyz`, { headers });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: 'not ready' });
      for (const leak of ['Graph', 'sec-critical', 'ECONNREFUSED', 'entra-id']) expect(text).not.toContain(leak);
    }
    const withToken = (await (await readyz(base)).json()) as { checks: Record<string, { detail: string }> };
    expect(withToken.checks.credentials!.detail).toContain('User.EnableDisableAccount.All');
  });

  it('with no metrics token configured: nobody gets the details over HTTP (vigil doctor shows them)', async () => {
    const base = await serve({ store: await failing(), metrics: createMetrics(), now: () => T0 });
    const res = await readyz(base);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready' });
  });
});

describe('/metrics', () => {
  function channel(fail: boolean): AlertChannel {
    return {
      name: fail ? 'teams' : 'slack',
      deliver: async () => {
        if (fail) throw new Error('Bot Framework answered HTTP 502');
        return { ts: '1.2' };
      },
    };
  }
  const actions: ActionsService = {
    execute: async (req) => makeOutcome({ kind: req.kind, status: req.kind === 'suspend' ? 'refused' : 'done' }),
    recordUserAnswer: async () => undefined,
    own: async () => ({ status: 'refused', message: 'not in this test' }),
  };

  it('serves every named metric in a valid Prometheus text exposition', async () => {
    const metrics = createMetrics();
    metrics.eventsRead.inc(42);
    countAlerts(metrics, [
      { detection: 'impossible-travel', severity: 'high' },
      { detection: 'impossible-travel', severity: 'high' },
      { detection: 'anonymous-ip', severity: 'medium' },
    ]);
    await instrumentChannel(channel(false), metrics).deliver(makeView(), undefined);
    await instrumentChannel(channel(true), metrics).deliver(makeView(), undefined).catch(() => undefined);
    const acts = instrumentActions(actions, metrics);
    const by = { platform: 'slack' as const, id: 'U1' };
    await acts.execute({ alertId: 'a', kind: 'revoke-sessions', by, requestedAt: T0 });
    await acts.execute({ alertId: 'a', kind: 'suspend', by, requestedAt: T0 });
    observeSweep(metrics, { startedAt: T0, finishedAt: T0 + 3_000, ok: true, watermark: T0 - 120_000 });

    const base = await serve({ store: createStore(createMemoryKV()), metrics });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const fam = parsePrometheusText(await res.text());

    expect(fam.get('vigil_events_read_total')?.type).toBe('counter');
    expect(sampleValue(fam, 'vigil_events_read_total')).toBe(42);
    expect(sampleValue(fam, 'vigil_alerts_total', { detection: 'impossible-travel', severity: 'high' })).toBe(2);
    expect(sampleValue(fam, 'vigil_alerts_total', { detection: 'anonymous-ip', severity: 'medium' })).toBe(1);
    expect(sampleValue(fam, 'vigil_deliveries_total', { channel: 'slack' })).toBe(1);
    expect(sampleValue(fam, 'vigil_delivery_failures_total', { channel: 'teams' })).toBe(1);
    expect(sampleValue(fam, 'vigil_deliveries_total', { channel: 'teams' })).toBeUndefined();
    expect(sampleValue(fam, 'vigil_actions_total', { kind: 'revoke-sessions', outcome: 'done' })).toBe(1);
    expect(sampleValue(fam, 'vigil_actions_total', { kind: 'suspend', outcome: 'refused' })).toBe(1);
    expect(fam.get('vigil_sweep_duration_seconds')?.type).toBe('histogram');
    expect(sampleValue(fam, 'vigil_sweep_duration_seconds_count')).toBe(1);
    expect(sampleValue(fam, 'vigil_sweep_duration_seconds_sum')).toBe(3);
    expect(sampleValue(fam, 'vigil_sweep_duration_seconds_bucket', { le: '2' })).toBe(0);
    expect(sampleValue(fam, 'vigil_sweep_duration_seconds_bucket', { le: '5' })).toBe(1);
    expect(sampleValue(fam, 'vigil_cursor_lag_seconds')).toBe(123);
  });

  it('registries are isolated: a second instance starts from zero', async () => {
    const a = createMetrics();
    a.eventsRead.inc(5);
    const b = createMetrics();
    const fam = parsePrometheusText(await b.registry.metrics());
    expect(sampleValue(fam, 'vigil_events_read_total')).toBe(0);
  });

  it('the parser used here rejects malformed expositions', () => {
    expect(() => parsePrometheusText('x_total 1\n')).toThrow(/no # TYPE/);
    expect(() => parsePrometheusText('# TYPE x counter\nx{a="1",a="2"} 1\n')).toThrow(/duplicate/);
    expect(() => parsePrometheusText('# TYPE x counter\nx one\n')).toThrow(/bad value/);
  });

  it('requires the bearer token when VIGIL_METRICS_TOKEN is set', async () => {
    const base = await serve({ store: createStore(createMemoryKV()), metrics: createMetrics(), metricsToken: 'metrics-token-0123456789' });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('vigil_events_read_total');
  });
});
