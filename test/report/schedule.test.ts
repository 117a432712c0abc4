import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackReportTargets } from '../../src/channels/slack/report.js';
import { parseRoutes } from '../../src/channels/slack/routing.js';
import { createSlackSender } from '../../src/channels/slack/sender.js';
import { createReportJob } from '../../src/runtime/report.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { captureLogger } from '../helpers/pipeline.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { DAY, P0, seedReportStore } from './fixtures.js';

// The scheduled report (VIGIL_REPORT_CRON, default Mondays 08:00) posts one message per alert channel, once:
// once across two replicas on one Redis, once across a restart on a SQLite file, and a crash between a post and
// its record does not post that channel twice. The job runs on an injected clock; Slack is the fake Web API.
// The fixtures' week starts on Monday P0 08:00 UTC, and node-cron fires in local time: the test runs in UTC.
process.env.TZ = 'UTC';

const CRON = '0 8 * * 1';
// infrequent-country → C_TRAVEL, other high alerts → C_HIGH, the rest → SLACK_ALERT_CHANNEL.
const ROUTES = parseRoutes('C_ALERTS', ['high=C_HIGH', 'infrequent-country=C_TRAVEL']);
const MONDAY_AFTER = P0 + 7 * DAY + 5 * 60_000; // the next fire, plus five minutes

let slack: FakeSlack;
beforeAll(async () => void (slack = await startFakeSlack()));
afterAll(() => slack.close());

function replica(store: Store, now: { t: number }) {
  const { log, lines } = captureLogger();
  const client = new WebClient(slack.token, { slackApiUrl: slack.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const sender = createSlackSender({ client, log, minIntervalMs: 0 });
  const job = createReportJob({ store, log, schedule: CRON, targets: () => slackReportTargets(ROUTES, sender), now: () => now.t, sensitivityOf: () => 'medium' });
  return { job, lines };
}

/** Report messages posted since `from` (an index into slack.messages), as "channel: fallback text". */
const posted = (from: number) => slack.messages.slice(from).map((m) => `${m.channel}: ${m.text}`);

describe('the scheduled report', () => {
  it('two replicas on one Redis post each channel once, with the alerts routed to it', async () => {
    const redis: RedisServer = await startRedis();
    const [a, b] = [createStore(await openKV(redis.url)), createStore(await openKV(redis.url))];
    try {
      await seedReportStore(a);
      const now = { t: P0 + 60 * 60_000 };
      const [ra, rb] = [replica(a, now), replica(b, now)];
      const before = slack.messages.length;
      // The first run on a store records where reports begin: nothing is posted for the week before.
      expect(await ra.job()).toBeUndefined();
      expect(posted(before)).toEqual([]);
      now.t = MONDAY_AFTER;
      const runs = await Promise.all([ra.job(), rb.job()]);
      expect(runs.filter(Boolean)).toHaveLength(1);
      const week = '2026-11-23 08:00 → 2026-11-30 08:00 UTC';
      expect(posted(before).sort()).toEqual([
        `C_ALERTS: Vigil report ${week} · C_ALERTS: 3 alerts, 0 open`, // fl-1, fl-2, an-1
        `C_HIGH: Vigil report ${week} · C_HIGH: 3 alerts, 1 open`, // it-1, it-2, ps-1
        `C_TRAVEL: Vigil report ${week} · C_TRAVEL: 4 alerts, 1 open`, // ic-1..4
      ]);
      // Later in the day, on either replica: the period is done.
      now.t += 3 * 60 * 60_000;
      await Promise.all([ra.job(), rb.job()]);
      expect(posted(before)).toHaveLength(3);
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  }, 60_000);

  it('a crash between a post and its record posts no channel twice; the restart sends the rest, once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-report-')), 'vigil.sqlite');
    const first = createStore(await openKV(`sqlite://${file}`));
    await seedReportStore(first);
    const now = { t: P0 + 60 * 60_000 };
    await replica(first, now).job();
    const before = slack.messages.length;
    // The process dies right after Slack took the second channel's message: the store is gone before the record.
    let seen = 0;
    slack.onCall = (method) => {
      if (method === 'chat.postMessage' && ++seen === 2) void first.close();
    };
    now.t = MONDAY_AFTER;
    await expect(replica(first, now).job()).rejects.toThrow();
    slack.onCall = undefined;
    expect(posted(before).map((p) => p.split(':')[0])).toEqual(['C_ALERTS', 'C_HIGH']);

    const restarted = createStore(await openKV(`sqlite://${file}`));
    try {
      now.t += 10 * 60_000;
      const r = replica(restarted, now);
      expect(await r.job()).toMatchObject({ posted: ['slack:C_TRAVEL'] });
      expect(r.lines.some((l) => l.channel === 'slack:C_HIGH' && /cut short/.test(l.msg))).toBe(true);
      expect(posted(before).map((p) => p.split(':')[0])).toEqual(['C_ALERTS', 'C_HIGH', 'C_TRAVEL']);
      // Another restart the same day: nothing more.
      now.t += 60 * 60_000;
      expect(await replica(restarted, now).job()).toBeUndefined();
      expect(posted(before)).toHaveLength(3);
    } finally {
      await restarted.close();
    }
  }, 60_000);
});
