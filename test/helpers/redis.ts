import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, missingServerError, redisServerBinary } from './servers.js';

export { freePort };

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.end();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stop and start again on the same port (data survives only with `persist`: AOF, fsync always). */
  restart(): Promise<void>;
}

/** A real redis-server (Debian package, installed by .ci/run) on a free loopback port. */
export async function startRedis(opts: { persist?: boolean } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw missingServerError('redis');
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-redis-'));
  let proc: ChildProcess | undefined;
  const launch = async () => {
    proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', opts.persist ? 'yes' : 'no', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => proc!.once('error', (err) => reject(new Error(`cannot start ${binary}: ${err.message}`))));
    await Promise.race([waitForPort(port), failed]);
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const p = proc;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill('SIGKILL');
    });
  };
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: async () => (await stop(), await launch()) };
}
