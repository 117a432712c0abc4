// A real PostgreSQL server (Debian package `postgresql`, installed by .ci/run) for one test file: initdb into a
// temporary directory, started on a free loopback port with fsync on, trust authentication on 127.0.0.1 only.
// initdb and postgres refuse to run as root: as root they run as the `postgres` system user (created by the
// Debian package), or `nobody` when there is no such user.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, missingServerError, postgresBinDir } from './servers.js';

export interface PostgresServer {
  /** postgresql:// URL of the database created at start-up. */
  url: string;
  port: number;
  /** A new empty database on this server (a fresh store per test). */
  database(name?: string): Promise<string>;
  /** Fast shutdown (data kept). */
  stop(): Promise<void>;
  /** SIGKILL to the server and all its backends (a crash: no shutdown checkpoint; WAL recovery on restart). */
  kill(): Promise<void>;
  /** Start again on the same port and data directory (after stop or kill). */
  restart(): Promise<void>;
  /** Stop and delete the data directory. */
  close(): Promise<void>;
}

const USER = 'vigil';

/** Run as an unprivileged user when we are root (initdb and postgres refuse root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid > 0) return { uid, gid };
    } catch {
      // no such user
    }
  }
  throw new Error('running as root and found neither a `postgres` nor a `nobody` user to run PostgreSQL as');
}

let counter = 0;

async function waitReady(port: number, proc: ChildProcess, logFile: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`postgres exited at start-up:\n${tail(logFile)}`);
    const c = new pg.Client({ host: '127.0.0.1', port, user: USER, database: 'postgres', connectionTimeoutMillis: 1_000 });
    c.on('error', () => undefined);
    const ok = await c.connect().then(
      () => c.query('SELECT 1').then(() => true),
      () => false,
    );
    await c.end().catch(() => undefined);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections on ${port}:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** Start a PostgreSQL server with an empty database `vigil`; `url` points at it. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw missingServerError('postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const user = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  const as: SpawnOptions = user ? { uid: user.uid, gid: user.gid } : {};
  // --no-sync only skips initdb's own flush of the fresh cluster (a temp dir); the server itself runs with fsync on.
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...as, stdio: 'pipe', cwd: dir });
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const fd = openSync(logFile, 'a');
    if (user) chownSync(logFile, user.uid, user.gid);
    const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on', '-c', 'max_connections=100', '-c', 'shared_buffers=32MB'];
    // detached: its own process group, so kill() reaches the postmaster and every backend at once.
    proc = spawn(path.join(bin, 'postgres'), args, { ...as, cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    proc.once('error', () => undefined); // reported by waitReady through the exit code
    await waitReady(port, proc, logFile);
  };
  const running = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  const signal = async (sig: NodeJS.Signals, group: boolean) => {
    if (!running()) return;
    const p = proc!;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      if (group) process.kill(-p.pid!, sig);
      else p.kill(sig);
    });
  };
  const stop = () => signal('SIGINT', false); // "fast" shutdown
  const kill = async () => {
    await signal('SIGKILL', true);
    // The backends were in the same group; give the kernel a moment to reap them before a restart.
    await new Promise((r) => setTimeout(r, 100));
  };
  const onExit = () => {
    if (running()) process.kill(-proc!.pid!, 'SIGKILL');
  };
  process.once('exit', onExit);
  await launch();
  const database = async (name = `t${process.pid}_${++counter}`) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await c.end();
    }
    return `postgresql://${USER}@127.0.0.1:${port}/${name}`;
  };
  const url = await database('vigil');
  return {
    url,
    port,
    database,
    stop,
    kill,
    restart: async () => {
      await stop();
      await launch();
    },
    close: async () => {
      await stop();
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
