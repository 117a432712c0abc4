// First start with an empty store: Vigil learns 30 days of audit history from the loopback events-stream through
// the same pipeline (real SQLite file, real `vigil serve` / `vigil learn` processes), posts no card for any of it,
// and goes live with a full baseline: a sign-in from a new country in the first live hour is found. A SIGKILL in
// the middle of learning resumes at the first page not committed (pages counted at the fake).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLearning } from '../../src/pipeline/learn.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { startFakeSlack } from '../fakes/slack.js';
import { allAlerts, openStore, serveEnv, spawnServe, waitFor, type ServeProcess } from './serve.js';

const DAY = 86_400_000;
const USERS = [
  { id: 'acct-alice', email: 'alice@example.com', ip: '81.2.69.10', country: 'United Kingdom', city: 'London' },
  { id: 'acct-bob', email: 'bob@example.com', ip: '91.64.1.1', country: 'Germany', city: 'Berlin' },
  { id: 'acct-carol', email: 'carol@example.com', ip: '145.1.1.1', country: 'Netherlands', city: 'Amsterdam' },
];

/** 29 days of ordinary sign-ins (two a day per user) and one Tor sign-in 10 days ago that would have alerted. */
function history(now: number) {
  const events: Array<Record<string, any>> = [];
  for (let d = 29; d >= 1; d--)
    for (const [k, u] of USERS.entries())
      for (const h of [8, 16]) {
        const time = now - d * DAY + h * 3_600_000 + k * 60_000;
        events.push(rawEvent({ id: `h-${d}-${u.id}-${h}`, time, actorId: u.id, email: u.email, ip: u.ip, country: u.country, city: u.city }));
      }
  events.push(rawEvent({ id: 'h-tor', time: now - 10 * DAY, actorId: 'acct-carol', email: 'carol@example.com', ip: TOR_IP }));
  return events.sort((a, b) => Date.parse(a.attributes.processedAt) - Date.parse(b.attributes.processedAt));
}

const offsetOf = (cursor: string | null) => (cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: number }).o : 0);
const streamRequests = (a: FakeAtlassian) => a.requests.filter((r) => r.path.endsWith('/events-stream') && r.query.get('limit') !== '1');

async function world() {
  const atlassian = await startFakeAtlassian();
  const slack = await startFakeSlack();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-learn-'));
  const storeUrl = `sqlite://${path.join(dir, 'vigil.sqlite')}`;
  const now = Date.now();
  atlassian.events.push(...history(now));
  const env = serveEnv({ storeUrl, atlassian, slack, extra: { VIGIL_LEARN: '30d', VIGIL_SEEN_WINDOW: '6h' } });
  return { atlassian, slack, storeUrl, env, now, close: async () => Promise.all([atlassian.close(), slack.close()]) };
}

async function stop(p: ServeProcess | undefined) {
  if (p && p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
}

describe('learning from history on first start', () => {
  it('30 days learned without a card; a new-country sign-in right after is found; status says what would have fired', { timeout: 240_000 }, async () => {
    const w = await world();
    const store = await openStore(w.storeUrl);
    let p: ServeProcess | undefined;
    try {
      p = spawnServe(w.env);
      await waitFor('learning finished', async () => (await readLearning(store, w.atlassian.orgId))?.finishedAt !== undefined, 120_000);
      const rec = (await readLearning(store, w.atlassian.orgId))!;
      expect(rec.events).toBe(w.atlassian.events.length);
      expect(rec.wouldHaveFired).toEqual({ 'anonymous-ip': 1 });
      expect(rec.to - rec.from).toBe(30 * DAY);
      await waitFor('the summary line', () => p!.lines.some((l) => l.includes('learned 30 days of history') && l.includes('anonymous-ip 1')), 30_000);

      // Live: Alice signs in from Brazil (never used), Bob from Berlin as always.
      const t = Date.now();
      w.atlassian.events.push(
        rawEvent({ id: 'live-bob', time: t, actorId: 'acct-bob', email: 'bob@example.com', ip: USERS[1]!.ip, country: 'Germany', city: 'Berlin' }),
        rawEvent({ id: 'live-alice', time: t + 1000, actorId: 'acct-alice', email: 'alice@example.com', ip: '177.32.1.1', country: 'Brazil', city: 'São Paulo' }),
      );
      await waitFor('both live events processed', async () => (await store.seenAmong(w.atlassian.orgId, ['live-bob', 'live-alice'])).length === 2, 60_000);
      // The live sweep went on from where learning ended: no page before it was read twice. Counted now, before
      // the wait for Slack (which now includes the travel map's upload): every 1-second sweep re-reads the tail page.
      const offsets = streamRequests(w.atlassian).map((r) => offsetOf(r.query.get('cursor')));
      await waitFor('the live alerts on Slack', async () => (await store.pendingOutbox()).length === 0 && w.slack.cards().length > 0, 60_000);
      const alerts = await allAlerts(store);
      // São Paulo is new to Alice (her baseline is 29 days of London); her last London sign-in was hours ago, so
      // impossible travel may fire with it, depending on the hour the test runs.
      expect(alerts.map((a) => a.detection)).toContain('infrequent-country');
      for (const a of alerts) expect([a.actor.email, a.eventIds.at(-1)]).toEqual(['alice@example.com', 'live-alice']);
      // No card for any historical event: the only cards are the live alerts'.
      expect(w.slack.cards().map((c) => c.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
      expect(offsets.filter((o, i) => offsets.indexOf(o) !== i).length).toBeLessThanOrEqual(2);
    } finally {
      await stop(p);
      await store.close();
      await w.close();
    }
  });

  it('SIGKILL of vigil learn mid-way: the next run starts at the first page not committed and learns each event once', { timeout: 240_000 }, async () => {
    const w = await world();
    const store = await openStore(w.storeUrl);
    let p: ServeProcess | undefined;
    try {
      const args = ['learn', '--since', '30d'];
      p = spawnServe(w.env, args);
      w.atlassian.onPage = (n) => n === 9 && p!.child.kill('SIGKILL');
      expect((await p.exited).signal).toBe('SIGKILL');
      w.atlassian.onPage = undefined;
      const first = streamRequests(w.atlassian).length;
      const committed = (await readLearning(store, w.atlassian.orgId))!;
      expect(committed.finishedAt).toBeUndefined();
      expect(committed.pages).toBeGreaterThan(2);
      expect(committed.pages).toBeLessThan(9);
      const resumeAt = 'cursor' in committed.resume ? offsetOf(committed.resume.cursor) : -1;
      expect(resumeAt).toBe(committed.pages * 5);

      p = spawnServe(w.env, args);
      expect((await p.exited).code).toBe(0);
      const again = streamRequests(w.atlassian).slice(first).map((r) => offsetOf(r.query.get('cursor')));
      // Nothing committed is read again: the second run begins at the committed position and goes forward.
      expect(again[0]).toBe(resumeAt);
      expect(Math.min(...again)).toBe(resumeAt);
      const total = w.atlassian.events.length;
      expect(again.length).toBeLessThanOrEqual(Math.ceil((total - resumeAt) / 5) + 1);
      const done = (await readLearning(store, w.atlassian.orgId))!;
      expect(done.finishedAt).toBeDefined();
      expect(done.events).toBe(total); // every event learned exactly once across the kill
      expect(done.from).toBe(committed.from); // the window was fixed once
      expect(done.to).toBe(committed.to);
      expect(done.wouldHaveFired).toEqual({ 'anonymous-ip': 1 });
      expect(await allAlerts(store)).toEqual([]);
      expect(w.slack.cards()).toEqual([]);
      expect((await store.seenAmong(w.atlassian.orgId, w.atlassian.events.map((e) => e.id as string))).length).toBe(total);
    } finally {
      if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
      await store.close();
      await w.close();
    }
  });
});
