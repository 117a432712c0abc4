import { spawn } from 'node:child_process';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the built CLI (bin/vigil.js → dist/) as an operator does: a child process in `cwd` with only `env` (and
 * PATH). A hang ends in a kill after `killAfterMs`, so the child never outlives the test.
 */
export function runVigil(args: string[], opts: { cwd: string; env: Record<string, string>; killAfterMs?: number }): Promise<CliRun> {
  const bin = new URL('../../bin/vigil.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 50_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}
