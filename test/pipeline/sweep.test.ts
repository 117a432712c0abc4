import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/domain/errors.js';
import { sweepOnce } from '../../src/pipeline/sweep.js';
import { rawEvent, startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { TOR_IP, makeClient, makePipeline, tempSqliteUrl } from '../helpers/pipeline.js';

const T0 = Date.UTC(2026, 10, 1, 9);
let fake: FakeAtlassian;

beforeEach(async () => {
  fake = await startFakeAtlassian();
});
afterEach(async () => {
  await fake.close();
});

function seedOrg(n: number, torEvery = 0) {
  for (let i = 0; i < n; i++) {
    const tor = torEvery > 0 && i % torEvery === torEvery - 1;
    fake.events.push(rawEvent({ id: `e${i}`, time: T0 + i * 60_000, actorId: tor ? `acct-${i}` : 'acct-alice', email: tor ? `u${i}@example.com` : 'alice@example.com', ip: tor ? TOR_IP : '203.0.113.7' }));
  }
}

async function sweep(storeUrl: string, opts: { pageLimit?: number; apiKey?: string } = {}) {
  const p = await makePipeline(storeUrl);
  const summary = await sweepOnce({
    client: makeClient(fake, opts.pageLimit ?? 5, opts.apiKey),
    pipeline: p.pipeline,
    store: p.store,
    orgId: 'org-1',
    log: p.log,
    backfillMs: 365 * 86_400_000,
    overlapMs: 5 * 60_000,
    maxPages: 100,
    now: () => T0 + 86_400_000,
  });
  return { ...p, summary };
}

describe('sweepOnce against the events-stream API', () => {
  it('pages to the end, raises the alerts and commits the cursor returned on the last page', async () => {
    seedOrg(23, 10);
    const { summary, store, lines } = await sweep(tempSqliteUrl());
    expect(summary).toMatchObject({ ok: true, events: 23, alerts: 2, skipped: 0 });
    const pagesRead = fake.requests.filter((r) => r.path.endsWith('/events-stream'));
    expect(pagesRead).toHaveLength(5); // 5+5+5+5+3
    expect(pagesRead[0]!.query.get('from')).toBe(String(T0 + 86_400_000 - 365 * 86_400_000));
    expect(pagesRead[0]!.query.get('sortOrder')).toBe('asc');
    expect(pagesRead.every((r) => r.auth === `Bearer ${fake.apiKey}`)).toBe(true);
    const cp = await store.getCheckpoint('org-1');
    expect(cp?.cursor).toBeDefined();
    expect(cp?.watermark).toBe(T0 + 22 * 60_000 + 1500);
    const alerts = await store.listAlertIndex();
    expect(alerts.map((a) => a.detection)).toEqual(['anonymous-ip', 'anonymous-ip']);
    expect(await store.pendingOutbox()).toHaveLength(2);
    expect(lines.some((l) => l.msg === 'event-actions catalogue loaded')).toBe(true);
  });

  it('reads the next page while the current one is committed, never two requests at once; a stop drops the read-ahead page, not its events', async () => {
    seedOrg(23, 10);
    const url = tempSqliteUrl();
    const trace: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let commits = 0;
    const abort = new AbortController();
    const p = await makePipeline(url, {
      beforeCommit: async () => {
        commits++;
        trace.push(`commit ${commits}`);
        await new Promise((r) => setTimeout(r, 50));
        if (commits === 2) abort.abort(); // stop after the second page's commit
      },
    });
    const client = makeClient(fake, 5);
    const traced = {
      ...client,
      readPage: async (req: Parameters<typeof client.readPage>[0]) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        trace.push('read');
        try {
          return await client.readPage(req);
        } finally {
          inFlight--;
        }
      },
    };
    const base = { client: traced, pipeline: p.pipeline, store: p.store, orgId: 'org-1', log: p.log, backfillMs: 365 * 86_400_000, overlapMs: 5 * 60_000, maxPages: 100, now: () => T0 + 86_400_000 };
    const first = await sweepOnce({ ...base, signal: abort.signal });
    expect(first).toMatchObject({ ok: true, events: 10 });
    // Page 2 was requested before page 1 was committed; page 3 was read ahead and then dropped by the stop.
    expect(trace).toEqual(['read', 'read', 'commit 1', 'read', 'commit 2']);
    expect(maxInFlight).toBe(1);
    // The next sweep starts at the committed cursor: the read-ahead page's events are processed, once.
    const second = await sweepOnce(base);
    expect(second).toMatchObject({ ok: true, events: 13 });
    expect(await p.store.seenAmong('org-1', fake.events.map((_, i) => `e${i}`))).toHaveLength(23);
    expect((await p.store.listAlertIndex()).map((a) => a.detection)).toEqual(['anonymous-ip', 'anonymous-ip']);
  });

  it('resumes from the stored cursor after a restart and reads only new events', async () => {
    const url = tempSqliteUrl();
    seedOrg(7, 0);
    const first = await sweep(url);
    expect(first.summary.events).toBe(7);
    await first.store.close();
    fake.events.push(rawEvent({ id: 'new-1', time: T0 + 3600_000, actorId: 'acct-bob', email: 'bob@example.com', ip: TOR_IP }));
    fake.requests.length = 0;
    const second = await sweep(url); // a new process: new store connection on the same SQLite file
    expect(second.summary).toMatchObject({ ok: true, events: 1, alerts: 1 });
    const pages = fake.requests.filter((r) => r.path.endsWith('/events-stream'));
    expect(pages[0]!.query.get('cursor')).toBeTruthy();
    expect(pages[0]!.query.has('from')).toBe(false);
  });

  it('honours Retry-After on 429 and retries a 500, losing nothing', async () => {
    seedOrg(6, 3);
    fake.faults.push({ status: 429, headers: { 'retry-after': '1' } }); // event-actions call
    fake.faults.push({ status: 500 }, { status: 503 });
    const started = Date.now();
    const { summary, store } = await sweep(tempSqliteUrl());
    expect(summary).toMatchObject({ ok: true, events: 6, alerts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // behaviour: it did wait as asked
    expect(await store.listAlertIndex()).toHaveLength(2);
  });

  it('honours X-RateLimit-Reset (ISO-8601) when there is no Retry-After', async () => {
    seedOrg(2, 0);
    const reset = new Date(Date.now() + 1200).toISOString();
    fake.faults.push({ status: 429, headers: { 'x-ratelimit-reset': reset } });
    const started = Date.now();
    const { summary } = await sweep(tempSqliteUrl());
    expect(summary.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('stops with a clear "API key invalid or expired" error on 401, without retrying', async () => {
    seedOrg(3, 0);
    const { summary, store } = await sweep(tempSqliteUrl(), { apiKey: 'wrong-key-123456' });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/API key invalid or expired.*HTTP 401/);
    expect(fake.requests.filter((r) => r.path.endsWith('/events-stream'))).toHaveLength(1);
    expect(await store.getCheckpoint('org-1')).toBeUndefined();
    expect((await store.getLastSweep())?.ok).toBe(false);
  });

  it('AuthError is a coded error callers can tell apart', async () => {
    const client = makeClient(fake, 5, 'nope-nope-nope');
    await expect(client.readPage({ from: 0 })).rejects.toBeInstanceOf(AuthError);
  });

  it('skips and logs a malformed event without blocking the page', async () => {
    seedOrg(4, 2);
    fake.events[1]!.attributes.time = 'not-a-time';
    fake.events.splice(2, 0, { id: 'junk', hello: 'world' });
    const { summary, lines, store } = await sweep(tempSqliteUrl());
    expect(summary).toMatchObject({ ok: true, events: 3, skipped: 2 }); // e0, e2, e3 valid; e1 and junk skipped
    const warns = lines.filter((l) => l.msg === 'skipped a malformed audit event');
    expect(warns.map((w) => w.eventId).sort()).toEqual(['e1', 'junk']);
    expect(warns.find((w) => w.eventId === 'e1')?.reason).toMatch(/attributes\.time/);
    expect((await store.getCheckpoint('org-1'))?.cursor).toBeDefined();
  });

  it('falls back to the watermark minus the overlap when the cursor is rejected, and dedupes the re-read', async () => {
    const url = tempSqliteUrl();
    seedOrg(8, 4);
    const first = await sweep(url);
    expect(first.summary.alerts).toBe(2);
    const cp = await first.store.getCheckpoint('org-1');
    await first.store.close();
    fake.rejectCursors.add(cp!.cursor!);
    fake.events.push(rawEvent({ id: 'late', time: T0 + 10 * 60_000, processedAt: T0 + 7 * 60_000 + 2000, actorId: 'acct-carol', email: 'carol@example.com', ip: TOR_IP }));
    fake.events.sort((a, b) => Date.parse(a.attributes.processedAt) - Date.parse(b.attributes.processedAt));
    fake.requests.length = 0;
    const second = await sweep(url);
    expect(second.summary).toMatchObject({ ok: true, events: 1, alerts: 1 });
    const fromReq = fake.requests.find((r) => r.query.has('from'));
    expect(Number(fromReq!.query.get('from'))).toBe(cp!.watermark! - 5 * 60_000);
    expect(second.lines.some((l) => /rejected the stored cursor/.test(l.msg))).toBe(true);
    // the overlap re-read produced no second alert for the earlier Tor events
    expect((await second.store.listAlertIndex()).length).toBe(3);
  });

  it('maps action keys to display names from /event-actions', async () => {
    fake.actions.push({ id: 'user_login', displayName: 'Logged in to account' });
    seedOrg(1, 1);
    const { store } = await sweep(tempSqliteUrl());
    const [entry] = await store.listAlertIndex();
    const alert = await store.getAlert(entry!.id);
    expect(alert?.evidence.find((e) => e.label === 'Activity')?.value).toBe('Logged in to account');
  });
});
