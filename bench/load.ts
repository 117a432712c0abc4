/**
 * npm run bench (second part): the service under load, against the loopback fakes used by the fault tests.
 *   - webhook ingestion rate: batches of events POSTed to /webhooks/atlassian by 4 concurrent senders, and
 *     single-event requests by 8 concurrent senders;
 *   - time from event arrival (webhook POST sent) to the card posted on the fake Slack: median and p99, events
 *     sent one at a time a little over Slack's one-message-per-second-per-channel pacing apart;
 *   - sweep time for 1,000,000 events: the fake Atlassian serves generated events-stream pages of 1,000.
 * Figures only; nothing here passes or fails on a time.
 *   tsx bench/load.ts [--sweep-events 1000000] [--webhook-events 100000] [--latency-samples 50] [--store memory|sqlite]
 *                     [--only webhook|latency|sweep]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { rawEvent, startFakeAtlassian } from '../test/helpers/fake-atlassian.js';
import { startFakeSlack } from '../test/helpers/fake-slack.js';

const { values } = parseArgs({
  options: {
    'sweep-events': { type: 'string', default: '1000000' },
    'webhook-events': { type: 'string', default: '100000' },
    'latency-samples': { type: 'string', default: '50' },
    store: { type: 'string', default: 'memory' },
    only: { type: 'string' },
  },
});
const SWEEP_EVENTS = Number(values['sweep-events']);
const WEBHOOK_EVENTS = Number(values['webhook-events']);
const SAMPLES = Number(values['latency-samples']);
const DIR = mkdtempSync(path.join(tmpdir(), 'vigil-load-'));
const TOR = '185.220.101.47';
writeFileSync(path.join(DIR, 'tor.txt'), `${TOR}\n`);
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const log = pino({ level: 'error' });
const storeUrl = () => (values.store === 'sqlite' ? `sqlite://${mkdtempSync(path.join(DIR, 's-'))}/vigil.sqlite` : 'memory://');
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const say = (s: string) => process.stderr.write(`${s}\n`);
const base = {
  LOG_LEVEL: 'error',
  PORT: '0',
  VIGIL_ANONYMOUS_IP_LISTS: path.join(DIR, 'tor.txt'),
  VIGIL_WEBHOOK_SECRET: SECRET,
  VIGIL_WEBHOOK_MAX_BYTES: String(8 * 1_048_576),
};

/**
 * A synthetic org: 1,000 users at their usual address, about 6 events per user per day (as in the demo org and
 * the replay bench: 1,000,000 events are about 5.5 months), one sign-in in 5,000 from a Tor exit.
 */
const SPACING_MS = 14_400;
function event(i: number, t0: number, spacingMs: number, prefix = 'b') {
  const u = (i * 7919) % 1000;
  const tor = i % 5000 === 4999;
  return rawEvent({ id: `${prefix}${i}`, time: t0 + i * spacingMs, actorId: `acct-${u}`, email: `user${u}@example.com`, ip: tor ? TOR : `203.0.113.${u % 250}` });
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  return res.status;
}

async function webhookRate() {
  const app = await createApp(loadConfig({ ...base }), log, { storeUrl: storeUrl() });
  const { port } = await app.start();
  const url = `http://127.0.0.1:${port}/webhooks/atlassian`;
  const t0 = Date.now() - Math.ceil(((WEBHOOK_EVENTS + 1000) * SPACING_MS) / 86_400_000 + 1) * 86_400_000;
  const batch = 100;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < WEBHOOK_EVENTS) {
        const from = next;
        next += batch;
        await post(url, { data: Array.from({ length: Math.min(batch, WEBHOOK_EVENTS - from) }, (_, k) => event(from + k, t0, SPACING_MS, 'w')) });
      }
    }),
  );
  const batchMs = performance.now() - started;
  const singles = Math.min(1000, WEBHOOK_EVENTS);
  let n = 0;
  const s2 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (n < singles) {
        const i = n++;
        await post(url, event(WEBHOOK_EVENTS + i, t0, SPACING_MS, 'w'));
      }
    }),
  );
  const singleMs = performance.now() - s2;
  await app.stop();
  return { batchRate: (WEBHOOK_EVENTS / batchMs) * 1000, singleRate: (singles / singleMs) * 1000, singles };
}

async function cardLatency() {
  const slack = await startFakeSlack();
  const cfg = loadConfig({
    ...base,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_RESPONDERS: 'U0ALICE',
    SLACK_API_URL: slack.url,
  });
  const app = await createApp(cfg, log, { storeUrl: storeUrl() });
  const { port } = await app.start();
  const url = `http://127.0.0.1:${port}/webhooks/atlassian`;
  const posted = new Map<string, number>();
  slack.onCall = (method, body) => {
    if (method !== 'chat.postMessage' || body.thread_ts) return;
    const m = /lat(\d+)@example\.com/.exec(JSON.stringify(body.blocks ?? body.text));
    if (m && !posted.has(m[1]!)) posted.set(m[1]!, performance.now());
  };
  const samples: number[] = [];
  for (let k = 0; k < SAMPLES; k++) {
    const sent = performance.now();
    await post(url, rawEvent({ id: `lat-${k}`, time: Date.now() - 60_000, actorId: `acct-lat${k}`, email: `lat${k}@example.com`, ip: TOR }));
    while (!posted.has(String(k))) await new Promise((r) => setTimeout(r, 1));
    samples.push(posted.get(String(k))! - sent);
    await new Promise((r) => setTimeout(r, 1_200)); // stay under Slack's pacing so it measures Vigil, not the queue
  }
  await app.stop();
  await slack.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!;
  return { median: q(0.5), p99: q(0.99), max: samples.at(-1)! };
}

async function sweepTime() {
  const atlassian = await startFakeAtlassian();
  const spacing = SPACING_MS;
  const t0 = Date.now() - Math.ceil((SWEEP_EVENTS * spacing) / 86_400_000 + 2) * 86_400_000;
  atlassian.generated = { count: SWEEP_EVENTS, event: (i) => event(i, t0, spacing), processedAt: (i) => t0 + i * spacing + 1500 };
  const cfg = loadConfig({
    ...base,
    ATLASSIAN_ORG_ID: atlassian.orgId,
    ATLASSIAN_API_KEY: atlassian.apiKey,
    ATLASSIAN_API_BASE_URL: atlassian.url,
    ATLASSIAN_PAGE_LIMIT: '1000',
    VIGIL_BACKFILL: `${Math.ceil((Date.now() - t0) / 86_400_000) + 1}d`,
    VIGIL_SWEEP_MAX_PAGES: String(Math.ceil(SWEEP_EVENTS / 1000) + 10),
  });
  const app = await createApp(cfg, log, { storeUrl: storeUrl(), http: false });
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const started = performance.now();
  atlassian.onPage = (n) => {
    if (n % 100 === 0) say(`  … ${fmt(n * 1000)} events read, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  };
  const s = await app.sweep();
  const ms = performance.now() - started;
  clearInterval(sampler);
  await app.stop();
  await atlassian.close();
  if (!s?.ok) throw new Error(`sweep failed: ${s?.error}`);
  return { ms, events: s.events, alerts: s.alerts, pages: Math.ceil(SWEEP_EVENTS / 1000), peakMb: peak / 1e6 };
}

const store = values.store === 'sqlite' ? 'SQLite file' : 'in-memory store';
const run = (part: string) => !values.only || values.only === part;
if (run('webhook')) {
  say(`load: webhook ingestion (${fmt(WEBHOOK_EVENTS)} events) …`);
  const w = await webhookRate();
  process.stdout.write(`webhook ingestion    ${fmt(w.batchRate)} events/s (batches of 100, 4 senders); ${fmt(w.singleRate)} requests/s one event each (8 senders); ${store}\n`);
}
if (run('latency')) {
  say(`load: event → card latency (${SAMPLES} samples, ~${Math.ceil(SAMPLES * 1.25)} s) …`);
  const l = await cardLatency();
  process.stdout.write(`event → Slack card   median ${l.median.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (max ${l.max.toFixed(1)} ms) over ${SAMPLES} alerts, webhook POST to chat.postMessage on the fake Slack\n`);
}
if (run('sweep')) {
  say(`load: sweep of ${fmt(SWEEP_EVENTS)} events …`);
  const sw = await sweepTime();
  process.stdout.write(
    `sweep                ${fmt(sw.events)} events in ${(sw.ms / 1000).toFixed(1)} s = ${fmt((sw.events / sw.ms) * 1000)} events/s (${fmt(sw.pages)} pages of 1,000 from the fake events-stream, ${sw.alerts} alerts, peak RSS ${fmt(sw.peakMb)} MB, ${store})\n`,
  );
}
