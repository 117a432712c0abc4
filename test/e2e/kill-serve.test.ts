// SIGKILL of a real `vigil serve` (Redis store, fake Atlassian, fake Slack) at random points during 20 sweeps:
// after the last restart every event is processed and every alert is on Slack exactly once, showing its
// current revision. Kill points: right after an Atlassian page is served (between fetch and commit), right
// after Slack accepted a card (between the post and the saved reference), or at a random time.
import { describe, expect, it } from 'vitest';
import { seeded } from '../fixtures/random.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startRedis } from '../helpers/redis.js';
import { allAlerts, cardReport, openStore, serveEnv, spawnServe, waitFor } from './serve.js';

const T0 = Date.now() - 3 * 86_400_000;
const MODES = ['page', 'post', 'time'] as const;

/** Round i of org activity: a new Tor sign-in, sometimes a second one by the previous user, and benign ones. */
function round(i: number) {
  const t = T0 + i * 15 * 60_000;
  const events = [
    rawEvent({ id: `r${i}-benign-1`, time: t - 60_000, actorId: 'acct-alice', email: 'alice@example.com', ip: '203.0.113.7' }),
    rawEvent({ id: `r${i}-tor`, time: t, actorId: `acct-t${i}`, email: `t${i}@example.com`, ip: TOR_IP }),
    rawEvent({ id: `r${i}-benign-2`, time: t + 30_000, actorId: 'acct-alice', email: 'alice@example.com', ip: '203.0.113.7' }),
  ];
  if (i % 3 === 0) events.push(rawEvent({ id: `r${i}-tor-again`, time: t + 60_000, actorId: `acct-t${i - 1}`, email: `t${i - 1}@example.com`, ip: TOR_IP }));
  return events;
}

/** Kills `vigil serve` 20 times, one sweep each; returns the kill points hit and the recovered posts seen. */
async function killRounds(env: NodeJS.ProcessEnv, atlassian: FakeAtlassian, slack: FakeSlack) {
  const rand = seeded(20261121);
  const kills: string[] = [];
  let recovered = 0;
  for (let i = 1; i <= 20; i++) {
    atlassian.events.push(...round(i));
    const p = spawnServe(env);
    // The kill points cycle, so every one is exercised whatever the machine's speed; where in it is random.
    const mode = MODES[i % MODES.length]!;
    const jitter = Math.floor(rand() * 25);
    const kill = (why: string) => {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        kills.push(why);
        p.child.kill('SIGKILL');
      }
    };
    atlassian.onPage = mode === 'page' ? () => setTimeout(() => kill('page'), jitter) : undefined;
    // Every other 'post' kill lands before Slack's reply (the card exists, the client never saw its ts).
    const beforeReply = i % 2 === 0;
    slack.onCall = mode === 'post' ? (m) => m === 'chat.postMessage' && (beforeReply ? kill('post') : setTimeout(() => kill('post'), jitter)) : undefined;
    // Every round brings a page and a new alert, so 'page' and 'post' always come; the fallback only guards a hang
    // (generous: a loaded machine takes seconds to start a process).
    const fallback = setTimeout(() => kill(mode === 'time' ? 'time' : `${mode}-fallback`), mode === 'time' ? 600 + Math.floor(rand() * 2500) : 45_000);
    const { signal } = await p.exited;
    recovered += p.lines.filter((l) => l.includes('found the post an interrupted delivery made')).length;
    clearTimeout(fallback);
    expect(signal, p.lines.slice(-5).join('\n')).toBe('SIGKILL');
  }
  atlassian.onPage = undefined;
  slack.onCall = undefined;
  return { kills, recovered };
}

describe('SIGKILL of vigil serve at random points', () => {
  it('20 sweeps, killed each time: every event processed once, every alert on Slack exactly once', { timeout: 600_000, retry: 1 }, async () => {
    // A world of its own per attempt, so a retry starts from nothing.
    const redis = await startRedis();
    const atlassian = await startFakeAtlassian();
    const slack = await startFakeSlack();
    const store = await openStore(redis.url);
    let last: ReturnType<typeof spawnServe> | undefined;
    try {
      const env = serveEnv({ storeUrl: redis.url, atlassian, slack });
      const run = await killRounds(env, atlassian, slack);
      // The crash points were really exercised, and never by the hang guard.
      expect(run.kills.filter((k) => k === 'page').length).toBeGreaterThan(0);
      expect(run.kills.filter((k) => k === 'post').length).toBeGreaterThan(0);
      expect(run.kills.filter((k) => k.endsWith('-fallback'))).toEqual([]);
      let recovered = run.recovered;

      // A last restart runs to quiescence.
      last = spawnServe(env);
      const ids = atlassian.events.map((e) => e.id as string).sort();
      let waiting = '';
      await waitFor(
        'every event processed and every alert delivered',
        async () => {
          const seen = (await store.seenAmong(atlassian.orgId, ids)).length;
          if (seen < ids.length) return !(waiting = `seen ${seen} of ${ids.length}`);
          const pending = (await store.pendingOutbox()).length;
          if (pending > 0) return !(waiting = `${pending} pending deliveries`);
          const r = cardReport(slack, await allAlerts(store));
          waiting = JSON.stringify(r);
          return r.missing.length === 0 && r.stale.length === 0;
        },
        120_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: ${waiting}; kills ${run.kills.join(',')}\n${last?.lines.slice(-8).join('\n')}`);
      });
      last.child.kill('SIGTERM');
      expect((await last.exited).code).toBe(0);
      recovered += last.lines.filter((l) => l.includes('found the post an interrupted delivery made')).length;

      expect((await store.seenAmong(atlassian.orgId, ids)).sort()).toEqual(ids);
      const alerts = await allAlerts(store);
      // One alert per Tor user, none for the benign user.
      expect([...new Set(alerts.map((a) => a.actor.id))].sort()).toEqual(Array.from({ length: 20 }, (_, k) => `acct-t${k + 1}`).sort());
      const report = cardReport(slack, alerts);
      expect(report).toEqual({ duplicates: [], missing: [], unknown: [], stale: [] });
      // Grown alerts (a second Tor sign-in) carry their new revision on their one card (checked by `stale`).
      expect(alerts.some((a) => a.revision > 1)).toBe(true);
      // A card posted by a killed process was found again rather than posted twice.
      expect(recovered).toBeGreaterThan(0);
    } finally {
      if (last && last.child.exitCode === null) last.child.kill('SIGKILL');
      await store.close();
      await slack.close();
      await atlassian.close();
      await redis.stop();
    }
  });
});
