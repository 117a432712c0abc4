/**
 * Replay cases: `vigil replay <file> --format json` (bin/vigil.js) over a generated NDJSON file, as a ratio to a
 * bare JSON.parse loop over the same file in the same run, with the child's peak RSS.
 */
import { createReadStream } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runVigil } from './child.js';
import type { Dataset } from './data.js';
import { fmt, mb, pct, say, type Line } from './format.js';

/** The baseline: stream the file, split lines, JSON.parse each; best of `runs`, events per second. */
export async function parseFileRate(file: string, runs = 3): Promise<number> {
  let best = Infinity;
  let events = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    let rest = '';
    events = 0;
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l && JSON.parse(l)) events++;
    }
    if (rest && JSON.parse(rest)) events++;
    best = Math.min(best, performance.now() - started);
  }
  return (events / best) * 1000;
}

export async function replayCase(name: string, data: Dataset, budgetS: number): Promise<Line> {
  const label = `replay   ${name.padEnd(26)} ${fmt(data.events).padStart(8)} events`;
  say(`replay of ${name} (${fmt(data.events)} events) …`);
  const parseRate = await parseFileRate(data.file);
  let alerts = 0;
  let rest = '';
  const run = runVigil(['replay', data.file, '--format', 'json'], {
    cwd: mkdtempSync(path.join(tmpdir(), 'vigil-bench-replay-')), // no .env from the work tree
    budgetS,
    env: { LOG_LEVEL: 'warn' },
    stdout: (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      alerts += parts.filter(Boolean).length;
    },
  });
  const r = await run.done;
  if (r.timedOut) return { text: `${label}  did not finish in ${budgetS} s` };
  if (r.code !== 0) return { text: `${label}  FAILED (exit ${r.code}): ${r.stderr.split('\n').slice(-3).join(' ')}` };
  const rate = (data.events / r.ms) * 1000;
  return {
    text: `${label}  ${fmt(rate).padStart(7)} ev/s = ${pct(rate / parseRate)} of JSON.parse (${fmt(parseRate)} ev/s)  peak RSS ${mb(r.peakRssMb)}  ${(r.ms / 1000).toFixed(1)} s, ${alerts} alerts`,
    figures: { case: 'replay', name, events: data.events, actors: data.actors, eventsPerS: rate, parsePerS: parseRate, ratio: rate / parseRate, peakRssMb: r.peakRssMb, ms: r.ms, alerts },
  };
}
