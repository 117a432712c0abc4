/**
 * Runs the production CLI (bin/vigil.js, with the flags of its shebang) as a child process, with a time budget:
 * past it the child is killed and the case reports "did not finish". Peak RSS comes from bench/rss-preload.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/vigil.js');

/** The node flags of bin/vigil.js's shebang (`#!/usr/bin/env -S node --flag …`), so the bench runs what users run. */
function shebangFlags(): string[] {
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '';
  const m = /\bnode\b(.*)$/.exec(first);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

let cpuProfileDir: string | undefined;
/** `--cpu-prof <dir>`: every vigil child writes a V8 CPU profile there (open it in Chrome DevTools). */
export function profileChildrenInto(dir: string | undefined): void {
  cpuProfileDir = dir ? path.resolve(dir) : undefined;
}

export interface VigilRun {
  child: ChildProcess;
  /** Resolves when the child exits or the budget kills it. */
  done: Promise<{ code: number | null; ms: number; timedOut: boolean; peakRssMb?: number; stderr: string }>;
}

/** Start `vigil <args>` in `cwd` with exactly `env` (plus PATH); stdout goes to `stdout` ('ignore' or a callback). */
export function runVigil(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; budgetS: number; stdout?: (chunk: string) => void }): VigilRun {
  const rssFile = path.join(tmpdir(), `vigil-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const prof = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...shebangFlags(), ...prof, '--import', path.join(ROOT, 'bench/rss-preload.mjs'), BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, VIGIL_TOR_EXIT_LIST_URL: 'off', ...opts.env, BENCH_RSS_OUT: rssFile },
    stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-16_000);
  });
  if (opts.stdout) child.stdout!.setEncoding('utf8').on('data', opts.stdout);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.budgetS * 1000);
  const done = new Promise<{ code: number | null; ms: number; timedOut: boolean; peakRssMb?: number; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const peakRssMb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : undefined;
      rmSync(rssFile, { force: true });
      resolve({ code, ms, timedOut, peakRssMb, stderr });
    });
  });
  return { child, done };
}
