/**
 * Webhook latency: a real `vigil serve` (bin/vigil.js, default SQLite store) first learns N actors through its
 * start-up sweep of the loopback events-stream, then single events (a known actor signing in from a Tor exit)
 * are POSTed to /webhooks/atlassian one at a time; the figure is POST → the alert's card on the fake Slack.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeSlack } from '../test/fakes/slack.js';
import { freePort } from '../test/helpers/servers.js';
import { runVigil } from './child.js';
import { sweepData } from './data.js';
import { fmt, quantiles, say, type Line } from './format.js';
import { startEventStream } from './stream.js';

const TOR = '185.220.101.47';
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Known actors (id, email) from the first lines of the data set. */
function knownActors(file: string, n: number): Array<{ id: string; email: string }> {
  const out: Array<{ id: string; email: string }> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /"actor":\{"id":"([^"]+)","name":"[^"]*","email":"([^"]+)"/.exec(line);
    if (m && !out.some((a) => a.id === m[1])) out.push({ id: m[1]!, email: m[2]! });
    if (out.length >= n) break;
  }
  return out;
}

function torEvent(k: number, actor: { id: string; email: string }) {
  const t = Date.now() - 30_000;
  return {
    id: `bench-lat-${Date.now()}-${k}`,
    type: 'events',
    attributes: {
      time: new Date(t).toISOString(),
      processedAt: new Date(t + 1_000).toISOString(),
      action: 'user_login',
      actor: { id: actor.id, name: 'Bench User', email: actor.email },
      context: [],
      container: [],
      location: { ip: TOR, countryName: 'Germany', regionName: 'Land Berlin', city: 'Berlin', geo: '52.52,13.405' },
    },
    links: { self: `https://api.atlassian.com/admin/v1/orgs/bench-org/events/bench-lat-${k}` },
    message: { content: 'Logged in to account', format: 'simple' },
  };
}

export async function latencyCase(known: number, samples: number, budgetS: number): Promise<Line> {
  const label = `latency  sqlite   ${fmt(known).padStart(7)} known actors`;
  const data = await sweepData(known);
  const stream = await startEventStream(data.file, 500);
  const slack = await startFakeSlack();
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-latency-'));
  writeFileSync(path.join(dir, 'tor.txt'), `${TOR}\n`);
  const port = await freePort();
  let startupDone = false;
  let stderrLines = '';
  const run = runVigil(['serve'], {
    cwd: dir,
    budgetS: budgetS + samples * 5,
    env: {
      PORT: String(port),
      ATLASSIAN_ORG_ID: stream.orgId,
      ATLASSIAN_API_KEY: stream.apiKey,
      ATLASSIAN_API_BASE_URL: stream.url,
      ATLASSIAN_PAGE_LIMIT: '500',
      VIGIL_BACKFILL: `${Math.ceil((Date.now() - data.from) / 3_600_000) + 1}h`,
      VIGIL_LEARN: 'off',
      VIGIL_SWEEP_MAX_PAGES: String(stream.pages.length + 10),
      VIGIL_SWEEP_SCHEDULE: '0 0 1 1 *', // only the start-up sweep during the measurement
      VIGIL_WEBHOOK_SECRET: SECRET,
      VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'),
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_RESPONDERS: 'U0ALICE',
      SLACK_API_URL: slack.url,
      LOG_LEVEL: 'info',
      VIGIL_LOG_FORMAT: 'json',
    },
  });
  run.child.stderr!.on('data', (d: Buffer) => {
    stderrLines = (stderrLines + d.toString('utf8')).slice(-8_000);
    if (stderrLines.includes('"msg":"sweep: ')) startupDone = true;
  });
  try {
    const deadline = Date.now() + budgetS * 1000;
    while (!startupDone && Date.now() < deadline && run.child.exitCode === null) await sleep(200);
    if (!startupDone) return { text: `${label}  did not finish learning the actors in ${budgetS} s (${fmt(stream.progress())} events of ${fmt(data.events)})` };
    const posted = new Map<string, number>();
    const waiting = new Map<string, number>();
    let lastSlackCall = performance.now();
    slack.onCall = (method, body) => {
      lastSlackCall = performance.now();
      if (method !== 'chat.postMessage' || body.thread_ts) return;
      const text = JSON.stringify(body.blocks ?? body.text);
      for (const [email] of waiting) if (text.includes(email)) posted.set(email, performance.now());
    };
    // The start-up sweep's own alerts (the org's few travellers) are delivered first, at Slack's pace.
    while (performance.now() - lastSlackCall < 3_000 && Date.now() < deadline) await sleep(200);
    const actors = knownActors(data.file, samples);
    const times: number[] = [];
    for (let k = 0; k < actors.length; k++) {
      const a = actors[k]!;
      const sent = performance.now();
      waiting.set(a.email, sent);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/atlassian`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify(torEvent(k, a)),
      });
      await res.arrayBuffer();
      if (res.status !== 202) return { text: `${label}  FAILED: webhook answered ${res.status}` };
      const until = Date.now() + 30_000;
      while (!posted.has(a.email) && Date.now() < until) await sleep(1);
      if (!posted.has(a.email)) return { text: `${label}  FAILED: no card within 30 s for sample ${k + 1}` };
      times.push(posted.get(a.email)! - sent);
      await sleep(1_100); // Slack's one-message-per-second pacing: measure Vigil, not the queue
    }
    const q = quantiles(times);
    return {
      text: `${label}  event → card p50 ${q.p50.toFixed(0)} ms, p90 ${q.p90.toFixed(0)} ms, max ${q.max.toFixed(0)} ms over ${times.length} events`,
      figures: { case: 'latency', store: 'sqlite', known, samples: times.length, ...q },
    };
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    const r = await run.done;
    say(`  (serve peak RSS ${r.peakRssMb?.toFixed(0) ?? '?'} MB)`);
    await slack.close();
    await stream.close();
  }
}
