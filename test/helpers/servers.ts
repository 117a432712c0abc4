// Where the real servers the tests start come from (Debian packages), and which test files need them.
// Used by the helpers (test/helpers/redis.ts, postgres.ts) to fail with one clear message, and by
// vitest.config.ts to leave out — and name once — the files whose server is not installed (outside CI).
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A free TCP port on loopback for a server started by a test. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export type ServerName = 'redis' | 'postgres';

export const SERVERS: Record<ServerName, { package: string; install: string; helper: string }> = {
  redis: { package: 'redis-server', install: 'sudo apt-get install -y redis-server', helper: 'helpers/redis.js' },
  postgres: { package: 'postgresql', install: 'sudo apt-get install -y postgresql', helper: 'helpers/postgres.js' },
};

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The redis-server binary, or undefined when it is not installed. */
export const redisServerBinary = (): string | undefined => onPath('redis-server');

/**
 * The directory holding PostgreSQL's initdb and postgres binaries: $VIGIL_TEST_PG_BIN, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian's layout), else the directory of an initdb on PATH.
 */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.VIGIL_TEST_PG_BIN;
  if (fromEnv) return executable(path.join(fromEnv, 'postgres')) ? fromEnv : undefined;
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    // not the Debian layout
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = path.join('/usr/lib/postgresql', v, 'bin');
    if (executable(path.join(dir, 'initdb')) && executable(path.join(dir, 'postgres'))) return dir;
  }
  const initdb = onPath('initdb');
  return initdb && executable(path.join(path.dirname(initdb), 'postgres')) ? path.dirname(initdb) : undefined;
}

export function serverInstalled(name: ServerName): boolean {
  return name === 'redis' ? redisServerBinary() !== undefined : postgresBinDir() !== undefined;
}

/** The error a helper throws when its server is absent: what is missing and the one command that installs it. */
export function missingServerError(name: ServerName): Error {
  const s = SERVERS[name];
  return new Error(`${s.package} is not installed (tests need a real server); install it: ${s.install}`);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (/\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/**
 * The test files (relative to `root`) that start each server: files under test/ that import its helper,
 * directly or through another local test module (e.g. a shared harness).
 */
export function filesNeedingServers(root: string): Record<ServerName, string[]> {
  const testDir = path.join(root, 'test');
  const files = walk(testDir);
  const imports = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    imports.set(
      f,
      [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(f), m[1]!.replace(/\.js$/, '.ts'))),
    );
  }
  const result = { redis: [] as string[], postgres: [] as string[] };
  for (const name of Object.keys(SERVERS) as ServerName[]) {
    const helper = path.join(testDir, SERVERS[name].helper.replace(/\.js$/, '.ts'));
    const memo = new Map<string, boolean>();
    const needs = (f: string, depth: number): boolean => {
      if (f === helper) return true;
      if (memo.has(f) || depth > 8) return memo.get(f) ?? false;
      memo.set(f, false);
      const hit = (imports.get(f) ?? []).some((i) => needs(i, depth + 1));
      memo.set(f, hit);
      return hit;
    };
    result[name] = files.filter((f) => f.endsWith('.test.ts') && needs(f, 0)).map((f) => path.relative(root, f));
  }
  return result;
}

/**
 * For vitest.config.ts: outside CI, the test files whose server is not installed, left out of the run and named
 * once with the command that installs the server. Under CI=true nothing is left out: the helpers then fail those
 * tests ("… is not installed"), so a CI machine without the servers fails.
 */
export function excludeForMissingServers(root: string, log: (s: string) => void = (s) => process.stderr.write(s)): string[] {
  if (process.env.CI === 'true' || process.env.CI === '1') return [];
  const missing = (Object.keys(SERVERS) as ServerName[]).filter((n) => !serverInstalled(n));
  if (missing.length === 0) return [];
  const needed = filesNeedingServers(root);
  const excluded = new Set<string>();
  for (const name of missing) {
    const files = needed[name];
    if (files.length === 0) continue;
    for (const f of files) excluded.add(f);
    log(
      `\n[vigil] ${SERVERS[name].package} is not installed: NOT RUN (${files.length} test files): ${files.join(', ')}\n` +
        `[vigil]   install it with: ${SERVERS[name].install}   (CI=true makes a missing server a failure)\n`,
    );
  }
  return [...excluded];
}
