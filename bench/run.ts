/**
 * npm run bench: events per second of `vigil replay` against a bare JSON.parse loop over the same NDJSON file,
 * and peak memory for a 1,000,000-event file (and for a quarter of it, to show memory grows with users, not
 * events). The file is a generated org (src/demo/generate.ts): 1,000 users over as many days as it takes.
 *   npm run bench                 # 1,000,000 events (builds dist/ first)
 *   npm run bench -- --events 200000 --users 500 --no-build
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDemoOrg } from '../src/demo/generate.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, users: { type: 'string', default: '1000' }, 'no-build': { type: 'boolean' } },
});
const TOTAL = Number(values.events);
const USERS = Number(values.users);
const ROOT = path.resolve(import.meta.dirname, '..');
const DIR = path.join(tmpdir(), 'vigil-bench');
mkdirSync(DIR, { recursive: true });

/** 5.8–6.3 events per user per day in the generated org: enough days to reach TOTAL, attacks well inside. */
const DAYS = Math.max(30, Math.ceil(TOTAL / (USERS * 5.5)) + 2);

async function writeFile(file: string, limit: number): Promise<{ events: number; expected: string[]; lists: { anonymous: string; suspicious: string } }> {
  const org = createDemoOrg({ seed: 1, users: USERS, days: DAYS });
  const out = createWriteStream(file);
  let n = 0;
  for (const e of org.events()) {
    if (n >= limit) break;
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    n++;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { events: n, expected: org.expected.map((x) => `${x.detection} ${x.actorEmail}`).sort(), lists: org.lists };
}

/** The baseline: read the file as a stream, split lines, JSON.parse each. Nothing else. */
async function jsonParseLoop(file: string): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  let rest = '';
  let events = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const l of lines) if (l && JSON.parse(l)) events++;
  }
  if (rest && JSON.parse(rest)) events++;
  return { events, ms: performance.now() - started };
}

async function replay(file: string, lists: Record<string, string>): Promise<{ ms: number; maxRssMb: number; alerts: string[] }> {
  const out = path.join(DIR, `measure-${process.pid}.json`);
  // The same V8 flag as the vigil bin's shebang (bin/vigil.js), so the bench measures what `npx vigil replay` runs.
  const child = spawn(process.execPath, ['--max-semi-space-size=32', path.join(ROOT, 'bench/measure-replay.mjs'), 'replay', file, '--format', 'json'], {
    cwd: DIR, // no .env from the work tree
    // Demo events carry coordinates, so the 130 MB IP database is not opened (it would dominate peak memory).
    env: { PATH: process.env.PATH, BENCH_OUT: out, VIGIL_GEOIP_DB: 'off', VIGIL_TOR_EXIT_LIST_URL: 'off', LOG_LEVEL: 'warn', ...lists },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`vigil replay exited with ${code}`);
  const m = JSON.parse(readFileSync(out, 'utf8')) as { ms: number; maxRssMb: number };
  const alerts = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { detection: string; actor: { email?: string; id: string } })
    .map((a) => `${a.detection} ${a.actor.email ?? a.actor.id}`)
    .sort();
  return { ...m, alerts };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

if (!values['no-build']) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const big = path.join(DIR, `org-${USERS}u-${TOTAL}.ndjson`);
const quarter = path.join(DIR, `org-${USERS}u-${Math.floor(TOTAL / 4)}.ndjson`);
process.stderr.write(`generating ${fmt(TOTAL)} events for ${fmt(USERS)} users in ${DIR} …\n`);
const gen = await writeFile(big, TOTAL);
await writeFile(quarter, Math.floor(TOTAL / 4));
const mb = statSync(big).size / 1e6;
writeFileSync(path.join(DIR, 'tor.txt'), gen.lists.anonymous);
writeFileSync(path.join(DIR, 'intel.txt'), gen.lists.suspicious);
const lists = { VIGIL_ANONYMOUS_IP_LISTS: path.join(DIR, 'tor.txt'), VIGIL_SUSPICIOUS_IP_LISTS: path.join(DIR, 'intel.txt') };

process.stderr.write('bare JSON.parse loop (best of 3) …\n');
const runs = [await jsonParseLoop(big), await jsonParseLoop(big), await jsonParseLoop(big)];
const base = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
process.stderr.write('vigil replay (quarter file, then full file) …\n');
const small = await replay(quarter, lists);
const full = await replay(big, lists);

const parseRate = (base.events / base.ms) * 1000;
const replayRate = (gen.events / full.ms) * 1000;
const ratio = replayRate / parseRate;
const lines = [
  `file                 ${fmt(gen.events)} events, ${fmt(USERS)} users, ${DAYS} days, ${mb.toFixed(0)} MB NDJSON`,
  `JSON.parse loop      ${fmt(parseRate)} events/s (${(base.ms / 1000).toFixed(1)} s, best of 3)`,
  `vigil replay         ${fmt(replayRate)} events/s (${(full.ms / 1000).toFixed(1)} s) = ${(ratio * 100).toFixed(0)}% of JSON.parse (target ≥ 33%)`,
  `peak memory (RSS)    ${fmt(full.maxRssMb)} MB for ${fmt(gen.events)} events; ${fmt(small.maxRssMb)} MB for ${fmt(Math.floor(TOTAL / 4))} events (same users)`,
  `alerts               ${full.alerts.length} (${full.alerts.length === gen.expected.length && full.alerts.every((a, i) => a === gen.expected[i]) ? 'exactly the injected attacks' : 'DIFFERENT from the injected attacks'})`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (full.alerts.join('\n') !== gen.expected.join('\n')) {
  process.stdout.write(`expected:\n  ${gen.expected.join('\n  ')}\ngot:\n  ${full.alerts.join('\n  ')}\n`);
}
process.exitCode = ratio >= 1 / 3 ? 0 : 1;
