import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { inboundStats, type RouteStats } from '../../src/http/body-gate.js';
import { closeServer, createHttpApp, listen } from '../../src/runtime/server.js';
import { registerAtlassianWebhook } from '../../src/sources/webhook.js';
import { sign } from '../channels/slack/fixtures.js';
import { startBot } from '../channels/teams/harness.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { captureLogger, makePipeline } from '../helpers/pipeline.js';
import { waitFor } from '../e2e/serve.js';

/**
 * Finding 1 of issue 14: many connections declaring a big Content-Length, sending most of it and stalling.
 * Measured with the body reader's own counter of bytes held (src/http/body-gate.ts), never with a clock.
 */
const SECRET = 'flood-webhook-secret-0123456789abcdef';
const SIGNING = 'flood-signing-secret-0123456789abcdef';
const CAP_BYTES = 1_048_576; // VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT in this test
const CAP_REQUESTS = 4; // VIGIL_INBOUND_MAX_REQUESTS in this test
const CONNECTIONS = 40;

interface Flood {
  sockets: Socket[];
  closedByServer: () => number;
  end(): void;
}

/** Open `n` raw connections, each declaring `declared` bytes and sending `send` of them, then stalling. */
function flood(port: number, path: string, headers: Record<string, string>, n: number, declared: number, send: number): Flood {
  let closed = 0;
  const sockets: Socket[] = [];
  const head = Object.entries({ host: '127.0.0.1', 'content-type': 'application/json', ...headers, 'content-length': String(declared) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  for (let i = 0; i < n; i++) {
    const s = connect(port, '127.0.0.1');
    let mine = false;
    s.on('error', () => undefined);
    s.resume(); // read (and drop) the answer, so the server's close is seen
    s.on('close', () => {
      if (!mine) closed++;
    });
    s.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
    s.write(Buffer.alloc(send, 0x61));
    sockets.push(Object.assign(s, { markMine: () => (mine = true) }));
  }
  return {
    sockets,
    closedByServer: () => closed,
    end() {
      for (const s of sockets) {
        (s as Socket & { markMine(): void }).markMine();
        s.destroy();
      }
    },
  };
}

const snapshot = (s: RouteStats) => ({ ...s });
/** The server still answers other requests: /healthz (200) on the app; any GET (404) on the bare Teams server. */
const healthz = async (port: number) => {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  await r.text();
  return port === teamsPort ? (r.status === 404 ? 200 : r.status) : r.status;
};
let teamsPort = -1;

/** The common assertions: admitted ≤ the caps, the rest refused unread, /healthz answers, bytes back to 0. */
async function floodAndRecover(port: number, route: string, headers: Record<string, string>, declared: number, admitted: number) {
  const stats = inboundStats(route);
  const before = snapshot(stats);
  const f = flood(port, route, headers, CONNECTIONS, declared, declared - 1);
  await waitFor(`${route}: ${admitted} bodies held, the rest refused`, () => stats.bytesHeld === admitted * (declared - 1) && stats.refused - before.refused === CONNECTIONS - admitted, 30_000);
  expect(stats.inFlight).toBe(admitted);
  expect(stats.peakBytesHeld).toBeLessThanOrEqual(CAP_BYTES);
  expect(await healthz(port)).toBe(200);
  // The refused connections are closed by the server: their unread uploads are not kept.
  await waitFor('refused connections closed by the server', () => f.closedByServer() >= CONNECTIONS - admitted, 30_000);
  console.log(`${route}: ${CONNECTIONS} stalled uploads of ${declared} bytes; bytes held at peak ${stats.peakBytesHeld} (cap ${CAP_BYTES}), ${admitted} admitted`);
  f.end();
  await waitFor(`${route}: bytes held back to 0`, () => stats.bytesHeld === 0 && stats.inFlight === 0, 30_000);
  expect(await healthz(port)).toBe(200);
}

/** No credentials (or a body declared over the limit): nothing is read at all, every connection is answered and closed. */
async function unauthenticatedFlood(port: number, route: string, headers: Record<string, string>, declared = 999_000) {
  const stats = inboundStats(route);
  const before = snapshot(stats);
  const f = flood(port, route, headers, CONNECTIONS, declared, declared - 1);
  await waitFor(`${route}: every unauthenticated request refused`, () => stats.refused - before.refused === CONNECTIONS, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(stats)} before ${JSON.stringify(before)}`);
  });
  expect(stats.peakBytesHeld).toBe(before.peakBytesHeld);
  expect(stats.bytesHeld).toBe(0);
  expect(await healthz(port)).toBe(200);
  await waitFor('all closed by the server', () => f.closedByServer() === CONNECTIONS, 30_000);
  f.end();
}

describe.sequential('slow-body flood on the real server (Slack HTTP mode and the webhook through createApp)', () => {
  let slack: FakeSlack;
  let app: VigilApp;
  let port: number;
  beforeAll(async () => {
    slack = await startFakeSlack();
    const cfg = loadConfig({
      VIGIL_STORE_URL: 'memory://',
      PORT: '0',
      VIGIL_WEBHOOK_SECRET: SECRET,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_RESPONDERS: 'U0ALICE',
      SLACK_API_URL: slack.url,
      VIGIL_INBOUND_MAX_REQUESTS: String(CAP_REQUESTS),
      VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT: String(CAP_BYTES),
      VIGIL_BODY_TIMEOUT: '5m',
    });
    app = await createApp(cfg, captureLogger('silent').log, { storeUrl: 'memory://' });
    port = (await app.start()).port;
  });
  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  it('/webhooks/atlassian without the secret: no body byte read', () => unauthenticatedFlood(port, '/webhooks/atlassian', {}));

  it('/webhooks/atlassian with the secret (it leaked): 1 MB declared each, one body held at a time', () =>
    // 1,000,000 declared: the 1 MiB in-flight cap admits one; the rest get 503 unread.
    floodAndRecover(port, '/webhooks/atlassian', { authorization: `Bearer ${SECRET}` }, 1_000_000, 1));

  it('/webhooks/atlassian: a declared body over the limit is refused (413) before it is read', () => unauthenticatedFlood(port, '/webhooks/atlassian', { authorization: `Bearer ${SECRET}` }, 2_000_000));

  it('/slack/events without signature headers, or with a stale timestamp: no body byte read', async () => {
    await unauthenticatedFlood(port, '/slack/events', {});
    const stale = sign('x', Math.floor(Date.now() / 1000) - 600, SIGNING);
    await unauthenticatedFlood(port, '/slack/events', stale);
  });

  it('/slack/events with forged but well-formed headers: at most 4 bodies of 200 kB held', () =>
    // Anyone can send a fresh timestamp and a well-formed (wrong) signature: the caps are what holds here.
    floodAndRecover(port, '/slack/events', sign('not the body', Math.floor(Date.now() / 1000), 'wrong-secret'), 200_000, CAP_REQUESTS));
});

describe('slow-body flood on /api/messages (real CloudAdapter, JWT checked before the body)', () => {
  let bot: Awaited<ReturnType<typeof startBot>>;
  let port: number;
  beforeAll(async () => {
    bot = await startBot({ inbound: { maxBytes: 262_144, maxInFlight: CAP_REQUESTS, maxBytesInFlight: CAP_BYTES, timeoutMs: 300_000 } });
    port = Number(new URL(bot.url).port);
    teamsPort = port;
  });
  afterAll(async () => bot.close());

  it('without a token, or with a forged one: no body byte read', async () => {
    await unauthenticatedFlood(port, '/api/messages', {});
    await unauthenticatedFlood(port, '/api/messages', { authorization: 'Bearer not.a.jwt' });
    await unauthenticatedFlood(port, '/api/messages', { authorization: `Bearer ${bot.openid.token({ aud: 'someone-else' })}` });
  });

  it('with a valid token (a compromised channel): at most 4 bodies held', () =>
    floodAndRecover(port, '/api/messages', { authorization: `Bearer ${bot.openid.token()}` }, 200_000, CAP_REQUESTS));
});

describe('stalled uploads are cut off', () => {
  let server: Server;
  let ctx: Awaited<ReturnType<typeof makePipeline>>;
  beforeAll(async () => {
    ctx = await makePipeline('memory://');
    const http = createHttpApp();
    registerAtlassianWebhook(http, { secret: SECRET, maxBytes: 65_536, limits: { maxInFlight: 8, maxBytesInFlight: CAP_BYTES, timeoutMs: 200 }, pipeline: ctx.pipeline, log: ctx.log });
    server = await listen(http, '127.0.0.1', 0, ctx.log);
  });
  afterAll(async () => {
    await closeServer(server);
    await ctx.store.close();
  });

  it('an authenticated upload that stops sending is answered 408 and its connection closed; nothing stays held', async () => {
    const port = (server.address() as { port: number }).port;
    const stats = inboundStats('/webhooks/atlassian');
    const before = snapshot(stats);
    const f = flood(port, '/webhooks/atlassian', { authorization: `Bearer ${SECRET}` }, 8, 60_000, 30_000);
    await waitFor('every stalled upload cut off by the server', () => f.closedByServer() === 8, 30_000);
    expect(stats.cutOff - before.cutOff).toBe(8);
    expect(stats.bytesHeld).toBe(0);
    expect(stats.inFlight).toBe(0);
    f.end();
  });
});
