// Several `vigil serve` replicas on one real Redis, and on one real PostgreSQL: sweeps never run concurrently, webhook pushes on one
// replica and sweeps on another never clobber the checkpoint, each alert is posted once, a replica dies and
// the others carry on, and a click on a replica that did not post the card is served.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/channels/slack/ids.js';
import { blockAction, interactivity, postSigned } from '../channels/slack/fixtures.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { startPostgres } from '../helpers/postgres.js';
import { startRedis } from '../helpers/redis.js';
import { ALERT_CHANNEL, SIGNING_SECRET, allAlerts, cardReport, openStore, serveEnv, spawnServe, waitFor, type ServeProcess } from './serve.js';

const WEBHOOK_SECRET = 'replicas-webhook-secret-0123456789';
const T0 = Date.now() - 2 * 86_400_000;
let storeUrl: string;
let atlassian: FakeAtlassian;
let slack: FakeSlack;

/** The shared store server of one run: a real redis-server or a real PostgreSQL (src/store/pg-locks.ts). */
const STORES: Array<[string, () => Promise<{ url: string; stop: () => Promise<void> }>]> = [
  ['Redis', async () => startRedis().then((r) => ({ url: r.url, stop: () => r.stop() }))],
  ['PostgreSQL', async () => startPostgres().then((p) => ({ url: p.url, stop: () => p.close() }))],
];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function round(i: number) {
  const t = T0 + i * 20 * 60_000;
  return [
    rawEvent({ id: `q${i}-benign`, time: t - 60_000, actorId: 'acct-alice', email: 'alice@example.com', ip: '203.0.113.7' }),
    rawEvent({ id: `q${i}-tor`, time: t, actorId: `acct-q${i}`, email: `q${i}@example.com`, ip: TOR_IP }),
    rawEvent({ id: `q${i}-benign-2`, time: t + 20_000, actorId: 'acct-bob', email: 'bob@example.com', ip: '203.0.113.8' }),
  ];
}

describe.each(STORES)('several replicas on one %s', (_name, start) => {
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ url: storeUrl, stop } = await start());
    atlassian = await startFakeAtlassian(); // fresh fakes per store: events, cards and in-flight counts start at zero
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
    await atlassian.close();
    await stop();
  });
  it('sweep once at a time, ingest without lost updates, post each alert once, fail over, serve clicks anywhere', async () => {
    atlassian.pageDelayMs = 15; // sweeps take long enough for replicas to collide if they could
    const ports = [await freePort(), await freePort(), await freePort()];
    const env = (port: number) => serveEnv({ storeUrl, atlassian, slack, extra: { PORT: String(port), VIGIL_WEBHOOK_SECRET: WEBHOOK_SECRET, VIGIL_LOCK_LEASE: '2s' } });
    const procs: ServeProcess[] = [spawnServe(env(ports[0]!)), spawnServe(env(ports[1]!))];
    const store = await openStore(storeUrl);
    try {
      await waitFor('both replicas listening', () => procs.every((p) => p.lines.some((l) => l.includes('Vigil listening'))), 90_000); // tsx start-up on a busy machine
      const pushed: Array<Record<string, any>> = [];
      for (let i = 1; i <= 12; i++) {
        const events = round(i);
        pushed.push(...events);
        atlassian.events.push(...events);
        // The same events also arrive by webhook on replica 2 (or 3 after the failover) while replica sweeps run.
        const webhookPort = i > 6 ? ports[2]! : ports[1]!;
        if (i === 6) {
          procs[0]!.child.kill('SIGKILL'); // replica 1 dies, possibly holding a lock
          await procs[0]!.exited;
          procs.push(spawnServe(env(ports[2]!)));
          await waitFor('replica 3 listening', () => procs[2]!.lines.some((l) => l.includes('Vigil listening')), 90_000);
        }
        const res = await fetch(`http://127.0.0.1:${webhookPort}/webhooks/atlassian`, {
          method: 'POST',
          headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, 'content-type': 'application/json' },
          body: JSON.stringify({ data: events }),
        });
        expect(res.status).toBe(202);
        await new Promise((r) => setTimeout(r, 400));
      }
      const ids = pushed.map((e) => e.id as string).sort();
      await waitFor(
        'every event processed and every alert delivered',
        async () => {
          if ((await store.seenAmong(atlassian.orgId, ids)).length < ids.length) return false;
          const alerts = await allAlerts(store);
          return alerts.length >= 12 && (await store.pendingOutbox()).length === 0 && cardReport(slack, alerts).missing.length === 0;
        },
        60_000,
      );
      // Never two sweeps of the org at once: the fake never had two requests in flight.
      expect(atlassian.maxInFlight).toBe(1);
      const sweeps = procs.map((p) => p.lines.filter((l) => l.includes('"msg":"sweep: ')).length);
      expect(sweeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(3);

      expect((await store.seenAmong(atlassian.orgId, ids)).sort()).toEqual(ids);
      let alerts = await allAlerts(store);
      expect(alerts.map((a) => a.actor.id).sort()).toEqual(Array.from({ length: 12 }, (_, k) => `acct-q${k + 1}`).sort());
      expect(cardReport(slack, alerts)).toEqual({ duplicates: [], missing: [], unknown: [], stale: [] });

      // A click on replica 3 for a card that replica 1 or 2 posted: the state is all in the store.
      const target = alerts.find((a) => a.actor.id === 'acct-q1')!;
      const card = slack.cards().find((c) => c.alertId === target.id)!.message;
      const click = blockAction({ user: 'U0ALICE', actionId: ACTION.dismiss, selected: `false-positive|${target.id}`, channel: ALERT_CHANNEL, ts: card.ts });
      const res = await postSigned(`http://127.0.0.1:${ports[2]}/slack/events`, interactivity(click), { secret: SIGNING_SECRET });
      expect(res.status).toBe(200);
      await waitFor('the dismissal stored and the card updated', async () => {
        const a = await store.getAlert(target.id);
        return a?.status === 'dismissed' && cardReport(slack, [a]).stale.length === 0;
      });
      expect(await store.getActionOutcome(target.id, 'dismiss')).toMatchObject({ status: 'done' });
      alerts = await allAlerts(store);
      expect(cardReport(slack, alerts).duplicates).toEqual([]);
    } finally {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      await store.close();
    }
  }, 300_000);
});
