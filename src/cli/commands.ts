import { once } from 'node:events';
import { createWriteStream, fchmodSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config/index.js';
import { parseDuration } from '../lib/settings.js';
import { ConfigError } from '../domain/errors.js';
import { configureHttp } from '../http/fetch-json.js';
import { openKV } from '../store/kv.js';
import { createStore, type Store } from '../store/store.js';
import { formatDoctorTable, runDoctor } from '../doctor/index.js';
import { writeExport } from '../chat-commands/export.js';
import { terminalSafe, terminalSafeLines } from '../lib/terminal-safe.js';
import { createProgress, type ProgressStream } from './progress.js';

export interface CommandIO {
  env?: NodeJS.ProcessEnv;
  stdout?: Writable;
  stderr?: Writable & ProgressStream;
  /** Open the store named by VIGIL_STORE_URL (tests pass an in-memory one). */
  openStore?: (config: Config) => Promise<Store>;
  now?: () => number;
}

export const defaultOpen = async (config: Config) => createStore(await openKV(config.core.VIGIL_STORE_URL));

export function load(io: CommandIO, stderr: Writable): Config | undefined {
  try {
    return loadConfig(io.env ?? process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

export function args(argv: string[], options: NonNullable<ParseArgsConfig['options']>, stderr: Writable) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    stderr.write(`${(err as Error).message}\n`);
    return undefined;
  }
}

/** `vigil doctor [--json]`: exit 0 when nothing failed (warnings allowed), 1 on a failed check, 2 on bad usage/config. */
export async function doctorCommand(argv: string[], io: CommandIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const opts = args(argv, { json: { type: 'boolean' } }, stderr);
  if (!opts) return 2;
  const config = load(io, stderr);
  if (!config) return 2;
  // The same outbound client as `vigil serve`: HTTPS_PROXY and the timeouts apply to every check.
  configureHttp({ ...config.core, timeoutMs: config.core.HTTP_TIMEOUT_MS });
  let opened: Store | undefined;
  const open = async () => (opened = await (io.openStore ?? defaultOpen)(config));
  try {
    const rows = await runDoctor(config, { store: open, now: io.now });
    stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatDoctorTable(rows));
    return rows.some((r) => r.status === 'fail') ? 1 : 0;
  } finally {
    await opened?.close();
  }
}

/** `--since 90d` (a duration back from now) or `--since 2026-01-01` (a date). */
export function parseSince(value: string, now: number): number | undefined {
  const ms = parseDuration(value);
  if (ms !== undefined && /[a-z]$/i.test(value.trim())) return now - ms;
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const at = Date.parse(value.trim());
    return Number.isNaN(at) ? undefined : at;
  }
  return undefined;
}

/**
 * `vigil export [--since 90d|2026-01-01] [--format csv|json] [--out file]`: alert history to stdout or a file,
 * with a progress bar on a TTY. Exit 0 on success, 1 when an alert could not be read (it is named on stderr),
 * 2 on bad usage or configuration.
 */
export async function exportCommand(argv: string[], io: CommandIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const opts = args(argv, { since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }, stderr);
  if (!opts) return 2;
  const config = load(io, stderr);
  if (!config) return 2;
  const now = (io.now ?? Date.now)();
  const format = (opts.format as string | undefined) ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    stderr.write(`--format must be csv or json (got "${format}")\n`);
    return 2;
  }
  const sinceArg = (opts.since as string | undefined) ?? `${config.core.VIGIL_RETENTION_DAYS}d`;
  const since = parseSince(sinceArg, now);
  if (since === undefined) {
    stderr.write(`--since must be a duration such as 90d or 12h, or a date such as 2026-01-01 (got "${sinceArg}")\n`);
    return 2;
  }
  const file = opts.out as string | undefined;
  let out: Writable = stdout;
  if (file) {
    // The history names every user, IP and action: the file is private (0600), created so and kept so.
    const stream = createWriteStream(file, { flags: 'w', mode: 0o600 });
    try {
      const [fd] = (await once(stream, 'open')) as [number];
      fchmodSync(fd, 0o600);
    } catch (err) {
      stderr.write(`cannot write ${file}: ${(err as Error).message}\n`);
      return 2;
    }
    out = stream;
  }
  let store: Store;
  try {
    store = await (io.openStore ?? defaultOpen)(config);
  } catch (err) {
    stderr.write(`cannot open the store (VIGIL_STORE_URL): ${(err as Error).message.replace(/\/\/[^/\s@]+@/g, '//***@')}\n`);
    if (file) out.end();
    return 1;
  }
  const progress = createProgress('Exporting alerts', stderr);
  let skipped = 0;
  let seen = 0;
  try {
    await writeExport(out, {
      store,
      format,
      since,
      onProgress: (done, total) => {
        seen = done;
        progress.update(done, total);
      },
      onSkip: (id, reason) => {
        skipped++;
        stderr.write(`\nskipped alert ${terminalSafe(id)}: ${terminalSafe(reason)}\n`);
      },
    }, !file && (stdout as NodeJS.WriteStream).isTTY === true ? terminalSafeLines : undefined);
  } finally {
    progress.done();
    if (file) {
      out.end();
      await finished(out).catch(() => undefined);
    }
    await store.close();
  }
  if (file) stderr.write(`Wrote ${seen - skipped} alert${seen - skipped === 1 ? '' : 's'} to ${file}\n`);
  return skipped > 0 ? 1 : 0;
}
