import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alert } from '../../src/domain/index.js';
import { openKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { afterAll, beforeAll } from 'vitest';
import { startFakeAtlassian, type FakeAtlassian } from '../fakes/atlassian.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { TOR_IP } from '../helpers/pipeline.js';

export interface ServeWorld {
  redis: RedisServer;
  atlassian: FakeAtlassian;
  slack: FakeSlack;
}

/** A real redis-server and the loopback Atlassian and Slack fakes for the whole file: started before, closed after. */
export function withServeWorld(use: (w: ServeWorld) => void): void {
  let w: ServeWorld | undefined;
  beforeAll(async () => {
    w = { redis: await startRedis(), atlassian: await startFakeAtlassian(), slack: await startFakeSlack() };
    use(w);
  });
  afterAll(async () => {
    await w?.slack.close();
    await w?.atlassian.close();
    await w?.redis.stop();
  });
}

export const SIGNING_SECRET = 'faults-signing-secret-0123456789abcdef';
export const ALERT_CHANNEL = 'C0ALERTS';

/** Environment for a real `vigil serve` against the loopback fakes and a real store. */
export function serveEnv(o: { storeUrl: string; atlassian: FakeAtlassian; slack: FakeSlack; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-faults-'));
  const list = path.join(dir, 'tor.txt');
  writeFileSync(list, `${TOR_IP}\n`);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: process.env.NODE_OPTIONS,
    TZ: 'UTC',
    ATLASSIAN_ORG_ID: o.atlassian.orgId,
    ATLASSIAN_API_KEY: o.atlassian.apiKey,
    ATLASSIAN_API_BASE_URL: o.atlassian.url,
    ATLASSIAN_PAGE_LIMIT: '5',
    VIGIL_BACKFILL: '3650d',
    VIGIL_LEARN: 'off',
    VIGIL_SEEN_WINDOW: '3650d',
    VIGIL_SWEEP_SCHEDULE: '*/1 * * * * *',
    VIGIL_STORE_URL: o.storeUrl,
    VIGIL_LOCK_LEASE: '1s',
    VIGIL_ANONYMOUS_IP_LISTS: list,
    PORT: '0',
    SLACK_BOT_TOKEN: o.slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_ALERT_CHANNEL: ALERT_CHANNEL,
    SLACK_RESPONDERS: 'U0ALICE',
    SLACK_API_URL: o.slack.url,
    SLACK_DIGEST_THRESHOLD: '1000',
    LOG_LEVEL: 'info',
    VIGIL_LOG_FORMAT: 'json',
    ...o.extra,
  };
}

export interface ServeProcess {
  child: ChildProcess;
  /** stderr log lines (JSON). */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A real `vigil serve` (or another command: `args`), logging JSON lines on stderr. */
export function spawnServe(env: NodeJS.ProcessEnv, args: string[] = ['serve']): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  child.stderr!.on('data', (c: Buffer) => {
    const parts = (rest + c.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim()));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, lines, exited };
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function openStore(url: string): Promise<Store> {
  return createStore(await openKV(url));
}

export async function allAlerts(store: Store): Promise<Alert[]> {
  const index = await store.listAlertIndex();
  return (await Promise.all(index.map((e) => store.getAlert(e.id)))).filter((a): a is Alert => a !== undefined);
}

/**
 * Exactly-once check on the fake Slack: every stored alert has exactly one top-level card, no card belongs to an
 * unknown alert, and each card shows the alert's current revision (header block id `h:<id>:<revision>.…`).
 */
export function cardReport(slack: FakeSlack, alerts: Alert[]) {
  const cards = slack.cards().filter((c) => !c.message.thread_ts);
  const perAlert = new Map<string, number>();
  for (const c of cards) perAlert.set(c.alertId, (perAlert.get(c.alertId) ?? 0) + 1);
  const known = new Set(alerts.map((a) => a.id));
  return {
    duplicates: [...perAlert].filter(([, n]) => n > 1),
    missing: alerts.filter((a) => !perAlert.has(a.id)).map((a) => a.id),
    unknown: [...perAlert.keys()].filter((id) => !known.has(id)),
    stale: alerts
      .filter((a) => {
        const card = cards.find((c) => c.alertId === a.id);
        const header = card?.message.blocks?.find((b) => String(b.block_id).startsWith('h:'));
        return card && !String(header?.block_id).startsWith(`h:${a.id}:${a.revision}.`);
      })
      .map((a) => a.id),
  };
}

