/**
 * npm run bench — what Vigil does on the production path, as figures (nothing here passes or fails on time):
 *   sweep    `vigil sweep --once` against a loopback events-stream (pages of 500) on SQLite (default store file),
 *            Redis and PostgreSQL, at 1,000 / 10,000 / 50,000 actors (~3 events each within 2 hours), as a
 *            ratio to JSON.parse of the same pages, with peak RSS;
 *   latency  webhook event → Slack card on `vigil serve` that knows 1,000 / 60,000 actors;
 *   replay   `vigil replay` of a 4,000-person month (~237,000 events) and of 400,000 distinct actors, as a ratio
 *            to JSON.parse of the same file, with peak RSS.
 * Every case has a time budget; past it the case prints "did not finish in N s (X events of Y)".
 *   npm run bench -- --quick                       # small sizes, a couple of minutes
 *   npm run bench -- --only sweep --stores sqlite,postgres --sweep 1000,10000 --budget 300
 *   npm run bench -- --latency 1000 --samples 10 --replay month --json bench-result.json
 * Generated data is cached in bench/.cache/ (gitignored). docs/benchmarks.md explains the figures.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { profileChildrenInto, ROOT } from './child.js';
import { distinctData, monthData } from './data.js';
import { say, type Line } from './format.js';
import { latencyCase } from './latency.js';
import { replayCase } from './replay.js';
import { sweepCases, type StoreName } from './sweep.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    stores: { type: 'string' },
    sweep: { type: 'string' },
    latency: { type: 'string' },
    samples: { type: 'string' },
    replay: { type: 'string' },
    budget: { type: 'string' },
    json: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench -- [--quick] [--only sweep,latency,replay] [--stores sqlite,redis,postgres]
  [--sweep 1000,10000,50000] [--latency 1000,60000] [--samples 20] [--replay month,400000] [--budget 900]
  [--json file] [--no-build] [--cpu-prof dir]
`);
  process.exit(0);
}

const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const sizes = (v: string | undefined, fallback: string) => list(v, fallback).map((s) => Number(s.replace(/[_k]/g, (c) => (c === 'k' ? '000' : ''))));
const quick = values.quick;
const parts = new Set(list(values.only, 'sweep,latency,replay'));
const stores = list(values.stores, 'sqlite,redis,postgres') as StoreName[];
for (const s of stores) if (!['sqlite', 'redis', 'postgres'].includes(s)) throw new Error(`--stores: unknown store ${s} (sqlite, redis, postgres)`);
const sweepSizes = sizes(values.sweep, quick ? '1000' : '1000,10000,50000');
const latencySizes = sizes(values.latency, quick ? '1000' : '1000,60000');
const samples = Number(values.samples ?? (quick ? 5 : 20));
const replays = list(values.replay, quick ? 'month:400,20000' : 'month,400000');
const budgetS = Number(values.budget ?? (quick ? 120 : 900));
const numbers: Array<[string, number]> = [['--samples', samples], ['--budget', budgetS], ...sweepSizes.map((s): [string, number] => ['--sweep', s]), ...latencySizes.map((s): [string, number] => ['--latency', s])];
for (const [name, n] of numbers) if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} takes positive whole numbers`);

if (!values['no-build']) {
  say('building dist/ (npm run build) …');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

profileChildrenInto(values['cpu-prof']);
const lines: Line[] = [];
const print = (l: Line) => {
  lines.push(l);
  process.stdout.write(`${l.text}\n`);
};
process.stdout.write(`vigil bench — node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}; budget ${budgetS} s per case\n`);

if (parts.has('sweep')) await sweepCases(stores, sweepSizes, budgetS, print);
if (parts.has('latency')) {
  for (const known of latencySizes) {
    say(`webhook latency with ${known} known actors …`);
    print(await latencyCase(known, samples, budgetS));
  }
}
if (parts.has('replay')) {
  for (const r of replays) {
    // "month" = the 4,000-person month; "month:N" = a month of N persons; a number = that many distinct actors.
    const [kind, arg] = r.split(':');
    if (kind === 'month') {
      const persons = Number(arg ?? 4000);
      print(await replayCase(`month of ${persons.toLocaleString('en')} persons`, await monthData(persons), budgetS));
    } else {
      const n = Number(kind);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--replay: "${r}" is neither month[:persons] nor a number of actors`);
      print(await replayCase(`${n.toLocaleString('en')} distinct actors`, await distinctData(n), budgetS));
    }
  }
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(lines.map((l) => l.figures ?? { text: l.text }), null, 2)}\n`);
