/**
 * Fresh-machine check: carries out the Dockerfile's steps without a container engine, in a clean copy of the
 * repository, and proves the result starts and is healthy.
 *
 *  1. build stage: its COPY sources are copied from the repository's files (tracked and not git-ignored, so no
 *     node_modules, dist/ or .env of this checkout) into an empty directory standing for WORKDIR, and its RUN
 *     steps run there for real (npm ci, the TypeScript build, npm prune --omit=dev);
 *  2. runtime stage: its COPY --from=build steps copy the build's results into another empty directory; the
 *     stage's VOLUME directories are made in the temporary directory (its RUN steps that prepare /data are the
 *     only ones not run: they would touch this machine's /data);
 *  3. start: ENTRYPOINT + CMD with the stage's ENV (volume paths moved to the temporary directory, a free
 *     loopback port), then the Dockerfile's own HEALTHCHECK command until it passes, a GET /healthz, a write
 *     and read through the native SQLite module on the volume, and SIGTERM: the process must exit 0 by itself.
 *
 * Checks also that no dev-only package (package-lock "dev": true) is left in the runtime's node_modules.
 * Takes minutes (npm ci builds sqlite3 from source), so it runs from .ci/run, not from npm test:
 *   npm run check:fresh-machine   (KEEP=1 keeps the temporary directory)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDockerfile, type Stage } from './dockerfile.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const say = (m: string) => process.stdout.write(`fresh-machine: ${m}\n`);

/** The repository as a fresh clone would have it: tracked files plus new files git does not ignore. */
function contextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && existsSync(join(repo, f)));
}

/** Where an image path lands: WORKDIR-relative and WORKDIR paths in the stage's directory, others under root/. */
function mapPath(p: string, stage: Stage, dir: string, root: string): string {
  const workdir = stage.workdir ?? '/';
  const abs = isAbsolute(p) ? p : join(workdir, p);
  const rel = relative(workdir, abs);
  return rel.startsWith('..') ? join(root, abs) : join(dir, rel);
}

/** COPY semantics: a file goes to dest (or into it when dest ends in /), a directory's contents go into dest. */
function copyFromContext(sources: string[], dest: string, destIsDir: boolean, files: string[]) {
  for (const src of sources) {
    const prefix = src.replace(/\/$/, '');
    if (files.includes(prefix)) {
      const to = destIsDir ? join(dest, basename(prefix)) : dest;
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(repo, prefix), to);
      continue;
    }
    const inside = files.filter((f) => f.startsWith(`${prefix}/`));
    if (inside.length === 0) throw new Error(`COPY ${src}: nothing in the repository matches`);
    for (const f of inside) {
      mkdirSync(dirname(join(dest, relative(prefix, f))), { recursive: true });
      cpSync(join(repo, f), join(dest, relative(prefix, f)));
    }
  }
}

function build(stage: Stage, dir: string, root: string, env: NodeJS.ProcessEnv) {
  const files = contextFiles();
  for (const step of stage.steps) {
    if (step.kind === 'copy') {
      if (step.copy.from) throw new Error(`stage ${stage.name}: COPY --from is not expected in the first stage`);
      copyFromContext(step.copy.sources, mapPath(step.copy.dest, stage, dir, root), step.copy.dest.endsWith('/'), files);
    } else {
      const started = Date.now();
      say(`RUN ${step.command}`);
      execFileSync('sh', ['-c', step.command], { cwd: dir, env: { ...env, ...stage.env }, stdio: 'inherit' });
      say(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
}

function assemble(stage: Stage, dir: string, root: string, stages: Record<string, { stage: Stage; dir: string }>) {
  for (const step of stage.steps) {
    if (step.kind !== 'copy') continue;
    const to = mapPath(step.copy.dest, stage, dir, root);
    if (step.copy.from) {
      const from = stages[step.copy.from];
      if (!from) throw new Error(`COPY --from=${step.copy.from}: no such stage`);
      for (const src of step.copy.sources) cpSync(mapPath(src, from.stage, from.dir, root), to, { recursive: true, verbatimSymlinks: true });
    } else copyFromContext(step.copy.sources, to, step.copy.dest.endsWith('/'), contextFiles());
  }
  for (const v of stage.volumes) mkdirSync(mapPath(v, stage, dir, root), { recursive: true });
}

function devOnlyLeftovers(dir: string): string[] {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && p.dev === true && existsSync(join(dir, path)))
    .map(([path]) => path);
}

const freePort = () =>
  new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runtimeEnv(stage: Stage, dir: string, root: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(root, 'home'), LOG_LEVEL: 'info' };
  for (const [k, v] of Object.entries(stage.env)) {
    let value = v;
    for (const vol of stage.volumes) value = value.split(vol).join(mapPath(vol, stage, dir, root));
    env[k] = value;
  }
  return { ...env, PORT: String(port), VIGIL_HOST: '127.0.0.1' };
}

async function waitHealthy(stage: Stage, dir: string, env: NodeJS.ProcessEnv, child: ChildProcess): Promise<number> {
  const hc = stage.healthcheck?.exec;
  if (!hc) throw new Error('the runtime stage needs an exec-form HEALTHCHECK');
  const started = Date.now();
  for (let attempt = 0; attempt < 120; attempt++) {
    if (child.exitCode !== null) throw new Error(`vigil exited with ${child.exitCode} before it was healthy`);
    try {
      execFileSync(hc[0]!, hc.slice(1), { cwd: dir, env, stdio: 'ignore', timeout: 5_000 });
      return Date.now() - started;
    } catch {
      await sleep(500);
    }
  }
  throw new Error('HEALTHCHECK did not pass within 60 s');
}

async function start(stage: Stage, dir: string, root: string) {
  const argv = [...(stage.entrypoint?.exec ?? []), ...(stage.cmd?.exec ?? [])];
  if (argv.length === 0) throw new Error('the runtime stage needs an exec-form ENTRYPOINT/CMD');
  const port = await freePort();
  const env = runtimeEnv(stage, dir, root, port);
  mkdirSync(env.HOME!, { recursive: true });
  say(`start: ${argv.join(' ')} (port ${port})`);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  try {
    const ms = await waitHealthy(stage, dir, env, child);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await res.json()) as { status?: string };
    if (res.status !== 200 || body.status !== 'ok') throw new Error(`/healthz answered ${res.status} ${JSON.stringify(body)}`);
    say(`healthy ${ms} ms after start; /healthz ${JSON.stringify(body)}`);
    checkSqlite(dir, env);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(35_000).then(() => 'timeout' as const)]);
    if (code !== 0) throw new Error(`after SIGTERM vigil ended with ${code}`);
    say('SIGTERM: exited 0');
  } catch (err) {
    process.stderr.write(output.slice(-4000));
    child.kill('SIGKILL');
    throw err;
  }
}

/** The native sqlite3 module survived the prune and writes to the volume (the embedded store's path). */
function checkSqlite(dir: string, env: NodeJS.ProcessEnv) {
  const file = (env.VIGIL_STORE_URL ?? '').replace(/^sqlite:\/\//, '');
  if (!file.startsWith('/')) throw new Error(`VIGIL_STORE_URL in the image should be an absolute sqlite path, not ${env.VIGIL_STORE_URL}`);
  // The production driver (sqlite3, the store's only native module) loads in the pruned image and writes
  // a transaction to the volume. (With no credentials `serve` runs the demo on a memory store.)
  const script = `const { default: sqlite3 } = await import('sqlite3');
    const db = new sqlite3.Database(process.argv[1]);
    const fail = (e) => { console.error(e.message); process.exit(1); };
    db.serialize(() => {
      db.run('CREATE TABLE IF NOT EXISTS fresh_machine_probe (v TEXT)', (e) => e && fail(e));
      db.run("INSERT INTO fresh_machine_probe VALUES ('ok')", (e) => e && fail(e));
      db.get('SELECT v FROM fresh_machine_probe', (e, row) => { if (e) fail(e); console.log(row.v); db.close(); });
    });`;
  const out = execFileSync('node', ['--input-type=module', '-e', script, file], { cwd: dir, env, encoding: 'utf8' }).trim();
  if (out !== 'ok' || !existsSync(file)) throw new Error(`SQLite on the volume: expected ok, got ${out}`);
  say(`SQLite (sqlite3 from the runtime node_modules) wrote to the volume (${file})`);
}

async function main() {
  const df = readDockerfile();
  const [first, ...rest] = df.stages;
  const last = df.stages[df.stages.length - 1];
  if (!first || !last || rest.length === 0) throw new Error('expected a multi-stage Dockerfile');
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-fresh-'));
  const root = join(tmp, 'root');
  const stages: Record<string, { stage: Stage; dir: string }> = {};
  try {
    const buildDir = resolve(tmp, first.name);
    mkdirSync(buildDir, { recursive: true });
    // A clean environment: no npm config or node_modules of this checkout leak into the install.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_cache: process.env.npm_config_cache };
    build(first, buildDir, root, env);
    stages[first.name] = { stage: first, dir: buildDir };
    const runDir = resolve(tmp, last.name);
    mkdirSync(runDir, { recursive: true });
    assemble(last, runDir, root, stages);
    const leftovers = devOnlyLeftovers(runDir);
    if (leftovers.length > 0) throw new Error(`dev-only packages in the runtime image: ${leftovers.slice(0, 10).join(', ')}`);
    say('runtime node_modules holds production dependencies only');
    await start(last, runDir, root);
    say('passed');
  } finally {
    if (process.env.KEEP) say(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`fresh-machine: FAILED: ${err.message}\n`);
  process.exit(1);
});
