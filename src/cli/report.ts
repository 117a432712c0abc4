import { buildEngineOptions } from '../config/engine.js';
import type { Config } from '../config/index.js';
import type { Sensitivity } from '../detections/types.js';
import { terminalSafe } from '../lib/terminal-safe.js';
import { buildReport } from '../report/build.js';
import { loadReportItems } from '../report/load.js';
import type { Report } from '../report/model.js';
import { formatReportText } from '../report/text.js';
import type { Store } from '../store/store.js';
import { args, defaultOpen, load, parseSince, type CommandIO } from './commands.js';

/** The sensitivity each detection runs at (VIGIL_SENSITIVITY and the policy file), for the tuning suggestions. */
export async function sensitivityResolver(cfg: Pick<Config, 'detection'>): Promise<(id: string) => Sensitivity | undefined> {
  const engine = await buildEngineOptions(cfg);
  return (id) => engine.settings(id).sensitivity;
}

/** The report as JSON: times as ISO strings, the rest as built. */
export const reportJson = (r: Report) => ({ ...r, period: { from: new Date(r.period.from).toISOString(), to: new Date(r.period.to).toISOString() } });

/**
 * `vigil report [--since 7d|2026-11-23] [--until 2026-11-30] [--json]`: the report of the alerts raised in that
 * period (default the last 7 days), from the configured store. Exit 0, 1 when the store cannot be opened, 2 on bad usage or settings.
 */
export async function reportCommand(argv: string[], io: CommandIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const opts = args(argv, { since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' } }, stderr);
  if (!opts) return 2;
  const config = load(io, stderr);
  if (!config) return 2;
  const now = (io.now ?? Date.now)();
  const sinceArg = (opts.since as string | undefined) ?? '7d';
  const untilArg = opts.until as string | undefined;
  const from = parseSince(sinceArg, now);
  const to = untilArg === undefined ? now : parseSince(untilArg, now);
  if (from === undefined || from >= now) {
    stderr.write(`--since must be a duration such as 7d or 24h, or a past date such as 2026-11-23 (got "${terminalSafe(sinceArg)}")\n`);
    return 2;
  }
  if (to === undefined || to <= from) {
    stderr.write(`--until must be a duration back from now or a date, after --since (got "${terminalSafe(untilArg ?? '')}")\n`);
    return 2;
  }
  let sensitivityOf: ((id: string) => Sensitivity | undefined) | undefined;
  try {
    sensitivityOf = await sensitivityResolver(config);
  } catch (err) {
    // The report reads the store only; a broken policy file costs the sensitivity hints, not the report.
    stderr.write(`warning: ${terminalSafe((err as Error).message.split('\n')[0] ?? '')}; tuning hints leave sensitivity out\n`);
  }
  let store: Store;
  try {
    store = await (io.openStore ?? defaultOpen)(config);
  } catch (err) {
    stderr.write(`cannot open the store (VIGIL_STORE_URL): ${(err as Error).message.replace(/\/\/[^/\s@]+@/g, '//***@')}\n`);
    return 1;
  }
  try {
    const period = { from, to };
    const onSkip = (id: string, reason: string) => stderr.write(`skipped alert ${terminalSafe(id)}: ${terminalSafe(reason)}\n`);
    const { items, notCounted } = await loadReportItems(store, period, { onSkip });
    const report = buildReport({ period, items, notCounted, ...(sensitivityOf ? { sensitivityOf } : {}), ...(config.detection.VIGIL_POLICY_FILE ? { policyFile: config.detection.VIGIL_POLICY_FILE } : {}) });
    stdout.write(opts.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : formatReportText(report));
    return 0;
  } finally {
    await store.close();
  }
}
