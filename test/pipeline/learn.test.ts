import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { configureDetections } from '../../src/detections/configure.js';
import { createPipeline } from '../../src/pipeline/ingest.js';
import { learnOnDemand } from '../../src/pipeline/learn-run.js';
import { describeLearning, readLearning } from '../../src/pipeline/learn.js';
import { sweepOnce } from '../../src/pipeline/sweep.js';
import { buildStatus } from '../../src/chat-commands/status.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { TOR_IP, makeClient, makePipeline, tempSqliteUrl } from '../helpers/pipeline.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 20, 12);
let fake: FakeAtlassian;
beforeEach(async () => {
  fake = await startFakeAtlassian();
});
afterEach(async () => {
  await fake.close();
});

/** One sign-in a day for 20 days, every 5th from Tor (anonymous-ip would fire: 4 users). */
function seed(days = 20, end = NOW) {
  for (let d = days; d >= 1; d--) {
    const tor = d % 5 === 0;
    fake.events.push(rawEvent({ id: `d${d}`, time: end - d * DAY, actorId: tor ? `acct-t${d}` : 'acct-alice', email: tor ? `t${d}@example.com` : 'alice@example.com', ip: tor ? TOR_IP : '203.0.113.7' }));
  }
}

async function sweep(storeUrl: string, learnMs: number, now = NOW) {
  const p = await makePipeline(storeUrl);
  const base = { client: makeClient(fake), pipeline: p.pipeline, store: p.store, orgId: 'org-1', log: p.log, overlapMs: 5 * 60_000, maxPages: 100, now: () => now };
  return { ...p, base, summary: await sweepOnce({ ...base, backfillMs: 365 * DAY, learnMs }) };
}

describe('learning from history (pipeline)', () => {
  it('first start: history is learned with no alert stored, counted per detection, then the sweep goes live', async () => {
    seed();
    const url = tempSqliteUrl();
    const s = await sweep(url, 30 * DAY);
    expect(s.summary).toMatchObject({ ok: true, learning: true, alerts: 0, events: 20 });
    expect(await s.store.listAlertIndex()).toEqual([]);
    expect(await s.store.pendingOutbox()).toEqual([]);
    const rec = (await readLearning(s.store, 'org-1'))!;
    expect(rec).toMatchObject({ from: NOW - 30 * DAY, to: NOW, events: 20, wouldHaveFired: { 'anonymous-ip': 4 }, handoff: true });
    expect(describeLearning(rec)).toBe('learned 30 days of history (20 events, 5 pages); it would have raised 4 alerts (anonymous-ip 4), none posted');
    const status = buildStatus(undefined, { store: 'sqlite', integrations: [], learning: describeLearning(rec) }, NOW);
    expect(status.learning).toContain('anonymous-ip 4');
    // Live: a new Tor sign-in alerts; the learned history is not read again into the baseline.
    fake.events.push(rawEvent({ id: 'live', time: NOW + 60_000, actorId: 'acct-new', email: 'new@example.com', ip: TOR_IP }));
    const live = await sweep(url, 30 * DAY, NOW + 120_000);
    expect(live.summary).toMatchObject({ ok: true, alerts: 1, events: 1 });
    expect(live.summary.learning).toBeUndefined();
    expect((await live.store.listAlertIndex()).map((e) => e.detection)).toEqual(['anonymous-ip']);
  });

  it('VIGIL_LEARN off (0): the first sweep is live and alerts on history as before', async () => {
    seed();
    const s = await sweep(tempSqliteUrl(), 0);
    expect(s.summary).toMatchObject({ ok: true, alerts: 4 });
    expect(await readLearning(s.store, 'org-1')).toBeUndefined();
  });

  it('a store that already sweeps is not switched to learning by the setting', async () => {
    seed();
    const url = tempSqliteUrl();
    await sweep(url, 0);
    fake.events.push(rawEvent({ id: 'live', time: NOW + 60_000, actorId: 'acct-new', email: 'new@example.com', ip: TOR_IP }));
    const s = await sweep(url, 30 * DAY, NOW + 120_000);
    expect(s.summary).toMatchObject({ alerts: 1 });
    expect(await readLearning(s.store, 'org-1')).toBeUndefined();
  });

  it('vigil learn on a live store learns only what came before it, leaving the live position alone', async () => {
    seed(20);
    const url = tempSqliteUrl();
    // Vigil went live with an 11-day backfill: it knows only the last 11 days.
    const live = await makePipeline(url);
    const liveBase = { client: makeClient(fake), pipeline: live.pipeline, store: live.store, orgId: 'org-1', log: live.log, overlapMs: 5 * 60_000, maxPages: 100 };
    await sweepOnce({ ...liveBase, backfillMs: 11 * DAY, learnMs: 0, now: () => NOW });
    const cp = await live.store.getCheckpoint('org-1');
    const alertsBefore = await live.store.listAlertIndex();
    expect(alertsBefore).toHaveLength(2); // the Tor sign-ins of days 10 and 5
    // Learning [now − 30 d, day 11): the Tor sign-ins of days 20 and 15 would have fired.
    const rec = await learnOnDemand({ ...liveBase, now: () => NOW }, 30 * DAY);
    expect(rec.finishedAt).toBeDefined();
    expect(rec.handoff).toBe(false);
    expect(rec.to).toBe(NOW - 11 * DAY); // the org's first event Vigil had seen (the backfill reached day 11)
    expect(rec.events).toBe(9); // days 20..12 only
    expect(rec.wouldHaveFired).toEqual({ 'anonymous-ip': 2 });
    expect(await live.store.listAlertIndex()).toEqual(alertsBefore);
    expect(await live.store.getCheckpoint('org-1')).toMatchObject({ cursor: cp!.cursor, watermark: cp!.watermark });
  });
});

/** Panther's "Admin impersonated user successfully" test event (verbatim but for its id and time: it is sent now). */
const panther = (time: number) => ({
  attributes: {
    action: 'user_logged_in_as_user',
    actor: { email: 'example.admin@example.com', id: '1234567890abcdefghijklmn', name: 'Example Admin' },
    container: [{ attributes: { siteHostName: 'https://example.atlassian.net', siteName: 'example' }, id: '12345678-abcd-9012-efgh-1234567890abcd', links: { alt: 'https://example.atlassian.net' }, type: 'sites' }],
    context: [{ attributes: { accountType: 'atlassian', email: 'example.user@example.io', name: 'example.user@example.io' }, type: 'users' }],
    time: new Date(time).toISOString(),
    processedAt: new Date(time + 2000).toISOString(),
  },
  id: 'panther-2508d209',
  message: { content: 'Logged in as example.user@example.io', format: 'simple' },
});

describe('a fresh install that learned a quiet org', () => {
  it('raises unusual-impersonation for Panther’s impersonation test event; without learning it stays silent for a week', async () => {
    seed();
    const run = async (learnMs: number) => {
      const url = tempSqliteUrl();
      const p = await makePipeline(url);
      const engine = configureDetections({ sensitivity: 'medium' });
      const pipeline = createPipeline({ store: p.store, orgId: 'org-1', log: p.log, seenWindowMs: 6 * 3_600_000, enricher: { enrich: (e) => e }, engine, now: () => NOW + DAY });
      const base = { client: makeClient(fake), pipeline, store: p.store, orgId: 'org-1', log: p.log, overlapMs: 5 * 60_000, maxPages: 100, backfillMs: 3_600_000, learnMs };
      await sweepOnce({ ...base, now: () => NOW });
      return { sweep: () => sweepOnce({ ...base, now: () => NOW + 3_600_000 }), store: p.store };
    };
    const learned = await run(30 * DAY);
    const silent = await run(0);
    fake.events.push(panther(NOW + 600_000));
    expect(await learned.sweep()).toMatchObject({ ok: true, alerts: 1 });
    const [alert] = await Promise.all((await learned.store.listAlertIndex()).map((e) => learned.store.getAlert(e.id)));
    expect(alert).toMatchObject({ detection: 'unusual-impersonation', actor: { email: 'example.admin@example.com' }, eventIds: ['panther-2508d209'] });
    expect(alert!.facts.reason).toMatch(/^first impersonation in the org in 30 days, by an account new to the org/);
    // The same install without learning: the org's first week, nothing to judge against, nothing raised.
    expect(await silent.sweep()).toMatchObject({ ok: true, alerts: 0 });
  });
});

describe('VIGIL_LEARN', () => {
  const cfg = (v?: string) => loadConfig({ ...(v !== undefined ? { VIGIL_LEARN: v } : {}) }).core.VIGIL_LEARN;
  it('defaults to 30 days; 0 and off disable it; durations up to 180d', () => {
    expect(cfg()).toBe(30 * DAY);
    expect(cfg('')).toBe(30 * DAY);
    expect(cfg('0')).toBe(0);
    expect(cfg('OFF')).toBe(0);
    expect(cfg('90d')).toBe(90 * DAY);
    expect(() => cfg('181d')).toThrow(/VIGIL_LEARN: must be a duration up to 180d/);
    expect(() => cfg('a month')).toThrow(/VIGIL_LEARN/);
  });
});
