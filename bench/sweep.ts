/**
 * Sweep cases: a real `vigil sweep --once` (bin/vigil.js) against the loopback events-stream, pages of 500, on
 * SQLite (the default store file, in a fresh working directory), Redis (appendonly, fsync always) or PostgreSQL
 * (fsync on). The rate is the sweep's own duration (from its summary line), as a ratio to JSON.parse of the
 * same page bodies in the same run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '../test/helpers/postgres.js';
import { startRedis } from '../test/helpers/redis.js';
import { serverInstalled, SERVERS } from '../test/helpers/servers.js';
import { runVigil } from './child.js';
import { sweepData } from './data.js';
import { fmt, mb, pct, say, type Line } from './format.js';
import { parsePagesRate, startEventStream } from './stream.js';

export type StoreName = 'sqlite' | 'redis' | 'postgres';
const PAGE = 500;

/** A fresh store per case; `url` undefined means the default store (sqlite://./data/vigil.sqlite in cwd). */
interface StoreHandle {
  url?: string;
  close(): Promise<void>;
}

async function openStoreFor(name: StoreName, pg: () => Promise<PostgresServer>): Promise<StoreHandle> {
  if (name === 'sqlite') return { close: async () => undefined };
  if (name === 'redis') {
    const r = await startRedis({ persist: true });
    return { url: r.url, close: () => r.stop() };
  }
  const server = await pg();
  return { url: await server.database(), close: async () => undefined };
}

/** The summary line of a finished sweep (JSON log): events and the sweep's own duration. */
function summary(stderr: string): { events: number; ms: number; ok: boolean; error?: string } | undefined {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.includes('"msg":"sweep: '));
  if (!line) return undefined;
  const s = JSON.parse(line) as { events: number; startedAt: number; finishedAt: number; ok: boolean; error?: string };
  return { events: s.events, ms: s.finishedAt - s.startedAt, ok: s.ok, error: s.error };
}

async function sweepCase(store: StoreName, actors: number, budgetS: number, pg: () => Promise<PostgresServer>): Promise<Line> {
  const data = await sweepData(actors);
  const stream = await startEventStream(data.file, PAGE);
  const label = `sweep    ${store.padEnd(8)} ${fmt(actors).padStart(7)} actors ${fmt(data.events).padStart(8)} events`;
  const handle = await openStoreFor(store, pg);
  try {
    const parseRate = parsePagesRate(stream.pages, data.events);
    const cwd = mkdtempSync(path.join(tmpdir(), 'vigil-bench-sweep-'));
    const run = runVigil(['sweep', '--once'], {
      cwd,
      budgetS,
      env: {
        ATLASSIAN_ORG_ID: stream.orgId,
        ATLASSIAN_API_KEY: stream.apiKey,
        ATLASSIAN_API_BASE_URL: stream.url,
        ATLASSIAN_PAGE_LIMIT: String(PAGE),
        VIGIL_BACKFILL: `${Math.ceil((Date.now() - data.from) / 3_600_000) + 1}h`,
        VIGIL_LEARN: 'off',
        VIGIL_SWEEP_MAX_PAGES: String(stream.pages.length + 10),
        LOG_LEVEL: 'info',
        VIGIL_LOG_FORMAT: 'json',
        ...(handle.url ? { VIGIL_STORE_URL: handle.url } : {}),
      },
    });
    const ticker = setInterval(() => say(`  … ${label.trim()}: ${fmt(stream.progress())} of ${fmt(data.events)} events`), 30_000);
    const r = await run.done.finally(() => clearInterval(ticker));
    if (r.timedOut) return { text: `${label}  did not finish in ${budgetS} s (${fmt(stream.progress())} events of ${fmt(data.events)})` };
    const s = summary(r.stderr);
    if (r.code !== 0 || !s?.ok) return { text: `${label}  FAILED (exit ${r.code}): ${s?.error ?? r.stderr.split('\n').slice(-3).join(' ')}` };
    const rate = (s.events / s.ms) * 1000;
    return {
      text: `${label}  ${fmt(rate).padStart(7)} ev/s = ${pct(rate / parseRate)} of JSON.parse (${fmt(parseRate)} ev/s)  peak RSS ${mb(r.peakRssMb)}  sweep ${(s.ms / 1000).toFixed(1)} s`,
      figures: { case: 'sweep', store, actors, events: s.events, eventsPerS: rate, parsePerS: parseRate, ratio: rate / parseRate, peakRssMb: r.peakRssMb, sweepMs: s.ms },
    };
  } finally {
    await handle.close();
    await stream.close();
  }
}

/** Every store × size; stores whose server is not installed are reported once and left out. */
export async function sweepCases(stores: StoreName[], sizes: number[], budgetS: number, print: (l: Line) => void): Promise<void> {
  let pgServer: PostgresServer | undefined;
  const pg = async () => (pgServer ??= await startPostgres());
  try {
    for (const store of stores) {
      const server = store === 'sqlite' ? undefined : store;
      if (server && !serverInstalled(server)) {
        print({ text: `sweep    ${store.padEnd(8)} not run: ${SERVERS[server].package} is not installed (${SERVERS[server].install})` });
        continue;
      }
      for (const actors of sizes) {
        say(`sweep on ${store}, ${fmt(actors)} actors …`);
        print(await sweepCase(store, actors, budgetS, pg));
      }
    }
  } finally {
    await pgServer?.close();
  }
}
