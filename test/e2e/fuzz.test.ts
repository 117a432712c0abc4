// Fuzz (deterministic, seeded): thousands of malformed inputs to the running service — the webhook endpoint,
// the event parser, correctly signed Slack click payloads and /vigil command text. No crash, no unhandled
// rejection, a clear 4xx or a message every time, and the service still serves afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type VigilApp } from '../../src/app.js';
import { ACTION } from '../../src/channels/slack/ids.js';
import { parseCommand, parseExportArgs } from '../../src/chat-commands/index.js';
import { loadConfig } from '../../src/config/index.js';
import { NormalizedEvent } from '../../src/domain/index.js';
import { normalizeAtlassianEvent } from '../../src/sources/atlassian/normalize.js';
import { blockAction, interactivity, postSigned } from '../channels/slack/fixtures.js';
import { rawEvent } from '../fakes/atlassian.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { seeded } from '../fixtures/random.js';
import { captureLogger } from '../helpers/pipeline.js';
import { waitFor } from './serve.js';
import { torAlert } from '../fixtures/alert.js';

const SECRET = 'fuzz-webhook-secret-0123456789abcdef';
const SIGNING = 'fuzz-signing-secret-0123456789abcdef';
type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const STRINGS = ['', ' ', 'null', 'undefined', '0', '-1', '1e309', 'NaN', '__proto__', 'constructor', '../../etc/passwd', "'; DROP TABLE alerts;--", '<script>alert(1)</script>', '\u0000', '\uFFFF', '\uD800', '😀'.repeat(50), 'a'.repeat(5000), '2026-13-45T99:99:99Z', 'not-a-date', '185.220.101.47', '::1', '999.1.1.1', 'x@y', '<@U0ALICE>', '<!channel>', '*bold* _it_ `code`'];

function junk(r: R, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return pick(r, [0, -1, 1.5, 2 ** 53 + 1, -1e308, 1e308, Number.MAX_SAFE_INTEGER]);
    case 3: return pick(r, STRINGS);
    case 4: return Array.from({ length: Math.floor(r() * 40) }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join('');
    case 5: return Math.floor(r() * 1e13);
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => junk(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 5); i++) o[pick(r, ['id', 'type', 'attributes', 'time', 'action', 'actor', 'location', 'ip', 'data', '__proto__', 'constructor', pick(r, STRINGS)])] = junk(r, depth + 1);
      return o;
    }
  }
}

const str = (r: R) => JSON.stringify(junk(r)) ?? 'undefined';

/** A valid raw event with 1–4 random paths replaced by junk or deleted. */
function mutatedEvent(r: R, i: number): Record<string, any> {
  const e = rawEvent({ id: `fz-${i}`, time: Date.UTC(2026, 10, 20, 10) + i * 1000, ip: r() < 0.5 ? '185.220.101.47' : '203.0.113.9' });
  const paths = [['id'], ['type'], ['attributes'], ['attributes', 'time'], ['attributes', 'processedAt'], ['attributes', 'action'], ['attributes', 'actor'], ['attributes', 'actor', 'id'], ['attributes', 'actor', 'email'], ['attributes', 'location'], ['attributes', 'location', 'ip'], ['attributes', 'context'], ['attributes', 'container'], ['message']];
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const path = pick(r, paths);
    let at: any = e;
    for (const p of path.slice(0, -1)) at = at?.[p];
    if (at && typeof at === 'object') {
      if (r() < 0.3) delete at[path.at(-1)!];
      else at[path.at(-1)!] = junk(r);
    }
  }
  return e;
}

let fuzzSlack: FakeSlack;
let app: VigilApp;
let base: string;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
const logs = captureLogger('info');

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  fuzzSlack = await startFakeSlack({ seed: 5 });
  const cfg = loadConfig({
    VIGIL_STORE_URL: 'memory://',
    PORT: '0',
    VIGIL_WEBHOOK_SECRET: SECRET,
    VIGIL_WEBHOOK_MAX_BYTES: '65536',
    SLACK_BOT_TOKEN: fuzzSlack.token,
    SLACK_SIGNING_SECRET: SIGNING,
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_RESPONDERS: 'U0ALICE',
    SLACK_API_URL: fuzzSlack.url,
    VIGIL_DRY_RUN: 'true',
    // 250 malformed clicks at once: this test is about shapes, not load shedding (503s are tested in flood.test.ts).
    VIGIL_INBOUND_MAX_REQUESTS: '300',
    VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT: '67108864',
    VIGIL_BODY_TIMEOUT: '5m', // a loaded CI machine must not turn a slow read into a cut-off here
  });
  app = await createApp(cfg, logs.log, { storeUrl: 'memory://' });
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
  await app.store.saveAlerts([torAlert(1, 'user1@example.com', 'fz')]);
});
afterAll(async () => {
  await app.stop();
  await fuzzSlack.close();
  process.off('unhandledRejection', onUnhandled);
});

describe('fuzz', () => {
  it('the event parser: 5000 malformed events never throw; every rejection says why, every acceptance is a valid event', () => {
    const r = seeded(1);
    for (let i = 0; i < 5000; i++) {
      const input = r() < 0.7 ? mutatedEvent(r, i) : junk(r);
      const out = normalizeAtlassianEvent(input, pick(r, ['webhook', 'atlassian-org'] as const), new Map([['user_login', 'User logged in']]));
      if (out.ok) expect(NormalizedEvent.safeParse(out.event).success).toBe(true);
      else expect(out.reason.length).toBeGreaterThan(3);
    }
  });

  it('the webhook endpoint: 1500 malformed bodies each get 202 or a clear 4xx, never a 5xx', async () => {
    const r = seeded(2);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1500; i++) {
      let body: string;
      let auth = `Bearer ${SECRET}`;
      const kind = r();
      if (kind < 0.45) {
        const events = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => mutatedEvent(r, i * 10 + k));
        body = JSON.stringify(pick(r, [events[0], events, { data: events }]));
      } else if (kind < 0.65) body = JSON.stringify(junk(r));
      else if (kind < 0.78) body = JSON.stringify({ data: [mutatedEvent(r, i)] }).slice(0, Math.floor(r() * 200)); // truncated JSON
      else if (kind < 0.83) body = pick(r, ['', '   ', '\n', 'null', '[]', '{}', '{"data":{}}', '[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]']);
      else if (kind < 0.9) {
        body = JSON.stringify(rawEvent({ id: `auth-${i}`, time: Date.now() }));
        auth = pick(r, ['', 'Bearer', `Bearer ${SECRET}x`, `Basic ${Buffer.from(`u:${SECRET.slice(1)}`).toString('base64')}`, SECRET.toUpperCase()]);
      } else if (kind < 0.93) body = JSON.stringify({ data: Array.from({ length: 700 }, (_, k) => mutatedEvent(r, k)) }); // over 64 KiB
      else body = '['.repeat(20_000) + ']'.repeat(20_000);
      const res = await fetch(`${base}/webhooks/atlassian`, { method: 'POST', headers: { ...(auth ? { authorization: auth } : {}), 'content-type': pick(r, ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const json = (await res.json()) as Record<string, unknown>;
      expect([202, 400, 401, 413]).toContain(res.status);
      if (res.status === 202) expect(typeof json.accepted).toBe('number');
      else expect(String(json.error).length).toBeGreaterThan(10);
    }
    // Every class of answer was exercised.
    expect([...statuses.keys()].sort()).toEqual([202, 400, 401, 413]);
  }, 120_000);

  it('signed Slack interactivity payloads: 1000 malformed clicks never crash the service or reach a 5xx', async () => {
    const r = seeded(3);
    const actionIds = [...Object.values(ACTION), 'vigil_unknown', '', 'x'.repeat(300)];
    const bodies: string[] = [];
    for (let i = 0; i < 1000; i++) {
      let body: string;
      const kind = r();
      if (kind < 0.5) {
        const click = blockAction({ user: pick(r, ['U0ALICE', 'U0MALLORY']), actionId: pick(r, actionIds), value: pick(r, ['fz-1', 'no-such-alert', str(r)]) }) as any;
        if (r() < 0.3) click.actions[0].selected_option = { value: pick(r, ['false-positive|fz-1', 'false-positive', '|', str(r)]) };
        for (let n = Math.floor(r() * 3); n > 0; n--) click[pick(r, ['user', 'actions', 'channel', 'message', 'container', 'team', 'response_url', 'trigger_id'])] = junk(r);
        if (r() < 0.5) click.response_url = fuzzSlack.responseUrl(`click-${i}`);
        body = interactivity(click);
      } else if (kind < 0.7) body = interactivity({ type: pick(r, ['view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion', 'nonsense']), user: { id: 'U0ALICE' }, view: junk(r), callback_id: pick(r, ['vigil_suspend_reason', str(r)]) });
      else if (kind < 0.85) body = interactivity(junk(r));
      else body = pick(r, ['payload=%7Bnot-json', 'payload=', 'nothing=here', '', 'payload=' + encodeURIComponent('[1,2,3]'), 'payload=null']);
      bodies.push(body);
    }
    // Sent 250 at a time: a payload no listener takes is answered 404 by Bolt after its 3 s unhandled-request wait.
    const statuses = new Map<number, number>();
    for (let i = 0; i < bodies.length; i += 250) {
      await Promise.all(
        bodies.slice(i, i + 250).map(async (body) => {
          const res = await postSigned(`${base}/slack/events`, body, { secret: SIGNING });
          await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, body.slice(0, 300)).toBeLessThan(500);
        }),
      );
    }
    expect(statuses.get(200)).toBeGreaterThan(100); // many reached the click handlers
    expect(statuses.get(400)).toBeGreaterThan(50); // and many were refused as not from Slack
  }, 120_000);

  it('/vigil command text: 500 fuzzed commands each get an answer; the parsers never throw on 3000 more', async () => {
    const r = seeded(4);
    const words = ['activity', 'alerts', 'status', 'help', 'export', 'open', 'all', '7d', '999d', '-1d', '0d', 'csv', 'json', 'xml', '<@U0ALICE>', '<@U0NOBODY|bob>', '@bob', 'user1@example.com', 'a@b', '2026-01-01', '--since', ...STRINGS];
    const text = () => Array.from({ length: Math.floor(r() * 5) }, () => (r() < 0.85 ? pick(r, words) : str(r))).join(pick(r, [' ', '  ', '\t', '\n']));
    for (let i = 0; i < 3000; i++) {
      const t = text();
      expect(() => parseCommand(t)).not.toThrow();
      expect(() => parseExportArgs(t)).not.toThrow();
    }
    const sent: string[] = [];
    for (let i = 0; i < 500; i++) {
      const id = `cmd-${i}`;
      sent.push(id);
      const form = new URLSearchParams({
        command: '/vigil',
        text: text().slice(0, 3000),
        user_id: pick(r, ['U0ALICE', 'U0ALICE', 'U0MALLORY']),
        user_name: 'x',
        channel_id: 'C0ALERTS',
        team_id: 'T0TEAM',
        response_url: fuzzSlack.responseUrl(id),
        trigger_id: `1.2.${i}`,
      });
      const res = await postSigned(`${base}/slack/events`, form.toString(), { secret: SIGNING });
      expect(res.status).toBe(200);
      await res.text();
    }
    // Every command got an ephemeral answer with some text on its response_url.
    await waitFor('an answer to every command', () => new Set(fuzzSlack.responses.map((x) => x.path)).size >= sent.length, 60_000);
    for (const id of sent) {
      const answers = fuzzSlack.responses.filter((x) => x.path === `/response/${id}`);
      expect(answers.length, id).toBeGreaterThan(0);
      expect(String(answers[0]!.body.text ?? '').length, id).toBeGreaterThan(0);
    }
  }, 120_000);

  it('afterwards: no unhandled rejection, and the service still serves health, webhooks and clicks', async () => {
    expect(unhandled).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ok = await fetch(`${base}/webhooks/atlassian`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify(rawEvent({ id: 'after-fuzz-1', time: Date.now() - 60_000 })),
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ accepted: 1 });
    const card = { channel: 'C0ALERTS', ts: '1700000000.000100' };
    // The click is on fz-1's own card (a button naming another alert than its card's is refused).
    await app.store.saveDelivery({ channel: 'slack', alertId: 'fz-1', revision: 1, ref: card, attempts: 0, deliveredAt: 1 });
    const res = await postSigned(`${base}/slack/events`, interactivity({ ...blockAction({ user: 'U0ALICE', actionId: ACTION.dismiss, selected: 'false-positive|fz-1', ...card }), response_url: fuzzSlack.responseUrl('final') }), { secret: SIGNING });
    expect(res.status).toBe(200);
    await waitFor('the dismissal', async () => (await app.store.getActionOutcome('fz-1', 'dismiss')) !== undefined);
    expect(await app.store.getActionOutcome('fz-1', 'dismiss')).toMatchObject({ kind: 'dismiss' });
    // Nothing was logged at fatal level, and the process did not log an uncaught error.
    expect(logs.lines.filter((l) => l.level >= 60)).toEqual([]);
  }, 60_000);
});
