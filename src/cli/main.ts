#!/usr/bin/env node
import { createTerminalChannel, formatAlertTable } from '../channels/terminal.js';
// The service (app.ts: HTTP server, chat SDKs, stores) is imported by the commands that run it, so `replay`,
// `--version` and `help` do not load Slack's, Bot Framework's and the stores' modules (a second of start-up).
const loadApp = () => import('../app.js');
import { replay } from './replay.js';
import { parseCommandLine } from './args.js';
import { buildInfo } from '../runtime/build-info.js';
import { loadConfig, loadDotEnv, type Config } from '../config/index.js';
import { ConfigError } from '../domain/errors.js';
import { createEnricher } from '../enrich/index.js';
import { buildEngineOptions } from '../config/engine.js';
import { createLogger, registerSecrets, routeConsoleToLogger, scrubSecrets, type Logger } from '../log.js';
import { terminalSafe } from '../lib/terminal-safe.js';
import { createProgress } from './progress.js';
import { describeLearning, learnedFraction } from '../pipeline/learn.js';
import { InputError, openInput } from '../sources/file.js';
import { readActionCatalogue } from '../sources/atlassian/catalogue.js';

const USAGE = `Usage: vigil <command> [options]

Commands:
  serve                 run the service: HTTP endpoints, scheduled sweeps, alert delivery
                        (with no Atlassian credentials: demo mode on a bundled audit log)
  sweep --once          read new audit events once, raise and deliver alerts, exit
  learn [--since 30d|2026-01-01]
                        learn baselines from audit history without alerting (default VIGIL_LEARN,
                        else 30d; up to 180d); a stopped run goes on where it stopped
  replay <file|->       run the detections over a file (NDJSON, JSON array or API pages)
                        and print one alert per line as JSON
      --format table    print a readable table instead
      --actions file    an /event-actions catalogue (saved API response): match policies by display name
      --sensitivity low|medium|high   instead of VIGIL_SENSITIVITY
      --policy file     a policy file (YAML or JSON) instead of VIGIL_POLICY_FILE
  doctor [--json]       check every configured integration for real; pass/fail table with fixes
  export [--since 90d|2026-01-01] [--format csv|json] [--out file]
                        write the alert history (default: the retention period, CSV to stdout)
  report [--since 7d|2026-11-23] [--until 2026-11-30] [--json]
                        the report of the alerts raised in that period (default the last 7 days):
                        outcomes, time to acknowledge and to act, top users, noisy detections
                        with the settings that would quiet them
  help                  this text
  --version             print the version

Settings come from the environment and .env (see .env.example).`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${terminalSafe(scrubSecrets(message))}\n`);
  process.exit(code);
}

async function serve(cfg: Config, log: Logger): Promise<void> {
  if (cfg.demo) {
    log.info('Demo mode: no ATLASSIAN_API_KEY is set, so Vigil runs on a bundled month of audit events (in-memory store).');
    const [{ createApp }, { runDemo, prepareDemoConfig }] = await Promise.all([loadApp(), import('./demo.js')]);
    const { cfg: demoCfg, start } = await prepareDemoConfig(cfg, Date.now());
    const app = await createApp(demoCfg, log, { storeUrl: 'memory://', channels: [createTerminalChannel()] });
    const { port } = await app.start();
    onShutdown(log, () => app.stop());
    const r = await runDemo(app, demoCfg, start);
    process.stdout.write(
      `Demo: ${r.alerts} alerts from ${r.events} audit events.\n` +
        `Vigil keeps running on http://${demoCfg.core.VIGIL_HOST}:${port} (Ctrl-C to stop).\n` +
        'To watch a real organisation, set ATLASSIAN_ORG_ID and ATLASSIAN_API_KEY (see README, "Connect your org").\n',
    );
    return;
  }
  const { createApp } = await loadApp();
  const app = await createApp(cfg, log, { channels: [] });
  await app.start();
  onShutdown(log, () => app.stop());
}

function onShutdown(log: Logger, stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing the page in hand, keeping the checkpoint');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

async function sweepCommand(cfg: Config, log: Logger, once: boolean): Promise<number> {
  if (!once) fail('vigil sweep needs --once (the service runs scheduled sweeps: vigil serve)');
  if (!cfg.core.ATLASSIAN_API_KEY) fail('vigil sweep needs ATLASSIAN_ORG_ID and ATLASSIAN_API_KEY (see .env.example)');
  const progress = createProgress('Sweeping');
  const { createApp } = await loadApp();
  const app = await createApp(cfg, log, { http: false, onSweepProgress: (events) => progress.update(events) });
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  process.once('SIGINT', () => abort.abort());
  try {
    const s = await app.sweep(abort.signal);
    progress.done();
    return s?.ok ? 0 : 1;
  } finally {
    await app.stop();
  }
}

type Flags = Record<string, string | boolean | undefined>;
const flag = (values: Flags, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

/** `--sensitivity` and `--policy` stand in for VIGIL_SENSITIVITY and VIGIL_POLICY_FILE, as the service reads them. */
function replayDetection(cfg: Config, values: Flags): Config['detection'] {
  const sensitivity = flag(values, 'sensitivity');
  if (sensitivity !== undefined && sensitivity !== 'low' && sensitivity !== 'medium' && sensitivity !== 'high') fail('--sensitivity must be low, medium or high');
  const policy = flag(values, 'policy');
  if (policy === '') fail('--policy needs a file');
  return { ...cfg.detection, ...(sensitivity ? { VIGIL_SENSITIVITY: sensitivity } : {}), ...(policy ? { VIGIL_POLICY_FILE: policy } : {}) };
}

async function learnCommand(cfg: Config, log: Logger, since: string | undefined): Promise<number> {
  if (!cfg.core.ATLASSIAN_API_KEY) fail('vigil learn needs ATLASSIAN_ORG_ID and ATLASSIAN_API_KEY (see .env.example)');
  const now = Date.now();
  const { parseSince } = await import('./commands.js');
  const from = parseSince(since ?? `${Math.round((cfg.core.VIGIL_LEARN || 30 * 86_400_000) / 60_000)}m`, now);
  if (from === undefined || from >= now || now - from > 180 * 86_400_000)
    fail(`--since must be a duration such as 30d or a date such as 2026-01-01, at most 180 days back (got "${since}")`);
  const progress = createProgress('Learning');
  const { createApp } = await loadApp();
  const app = await createApp(cfg, log, { http: false });
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  process.once('SIGINT', () => abort.abort());
  try {
    const rec = await app.learn(now - from, abort.signal, (r) => progress.update(Math.floor(learnedFraction(r) * 100), 100));
    progress.done();
    if (!rec) fail('vigil learn: another replica is sweeping this org; try again when it is done', 1);
    process.stdout.write(`${describeLearning(rec)}${rec.finishedAt === undefined ? ' (stopped; run vigil learn again to go on)' : ''}\n`);
    return rec.finishedAt === undefined ? 1 : 0;
  } finally {
    await app.stop();
  }
}

async function replayCommand(cfg: Config, log: Logger, file: string | undefined, values: Flags): Promise<number> {
  const format = flag(values, 'format') ?? 'json';
  if (!file) fail('vigil replay needs a file (or - for stdin)\n\n' + USAGE);
  if (format !== 'json' && format !== 'table') fail('--format must be json or table');
  const detection = replayDetection(cfg, values);
  const engine = await buildEngineOptions({ detection });
  const actions = flag(values, 'actions');
  const actionNames = actions === undefined ? undefined : await readActionCatalogue(actions);
  if (actionNames) log.info({ actions: actionNames.size, file: actions }, 'event-actions catalogue loaded');
  const input = openInput(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    fail(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const started = Date.now();
  const r = await replay({
    input,
    file,
    engine,
    enricher: await createEnricher(detection, log, { lazyGeo: true }),
    ...(actionNames ? { actionNames } : {}),
    log,
    onProgress: (n) => process.stderr.isTTY && process.stderr.write(`\r${n.toLocaleString('en')} events…`),
  });
  if (process.stderr.isTTY) process.stderr.write('\r');
  if (format === 'table') process.stdout.write(`${formatAlertTable(r.alerts)}\n`);
  else for (const a of r.alerts) process.stdout.write(`${JSON.stringify(a)}\n`);
  log.info({ events: r.events, duplicates: r.duplicates, skipped: r.skipped, alerts: r.alerts.length, ms: Date.now() - started }, 'replay finished');
  if (r.duplicates > 0) process.stderr.write(`replay: ${r.duplicates} event${r.duplicates === 1 ? '' : 's'} dropped as duplicates (an event id seen before)\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  if (line.kind === 'version') {
    process.stdout.write(`vigil ${buildInfo().version}\n`);
    return 0;
  }
  if (line.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return argv.length > 0 ? 0 : 2;
  }
  if (line.kind === 'error') fail(`${line.message}\nRun "vigil help" for the commands and their options.`);
  const { command, values, positionals: rest } = line;
  loadDotEnv();
  if (command === 'report') return (await import('./report.js')).reportCommand(argv.slice(1));
  if (command === 'doctor' || command === 'export') {
    const { doctorCommand, exportCommand } = await import('./commands.js');
    return command === 'doctor' ? doctorCommand(argv.slice(1)) : exportCommand(argv.slice(1));
  }
  let cfg: Config;
  try {
    cfg = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const log = createLogger(cfg.core.LOG_LEVEL);
  if (command === 'serve' || command === 'sweep' || command === 'learn') routeConsoleToLogger(log);
  try {
    switch (command) {
      case 'serve':
        await serve(cfg, log);
        return -1; // keep running
      case 'sweep':
        return await sweepCommand(cfg, log, values.once === true);
      case 'learn':
        return await learnCommand(cfg, log, flag(values, 'since'));
      case 'replay':
        return await replayCommand(cfg, log, rest[0], values);
      default:
        fail(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    // A usage or settings problem (a bad policy file included): printed once, exit 2.
    if (err instanceof InputError || err instanceof ConfigError) fail(err.message);
    log.error({ err: (err as Error).message }, 'command failed');
    fail(`vigil ${command} failed: ${(err as Error).message}`, 1);
  }
}

const isEntry = process.argv[1] && /[\\/]cli[\\/]main\.(?:ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: Error) => fail(`vigil: ${err.message}`, 1),
  );
}
export { registerSecrets };
