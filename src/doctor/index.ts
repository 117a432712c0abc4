import { z } from 'zod';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Graph } from '../actions/graph/index.js';
import { channelPlugins } from '../channels/registry.js';
import { checkAtlassian } from './checks/atlassian.js';
import { checkGraph } from './checks/microsoft.js';
import { reason, type DoctorRow } from '../domain/doctor.js';
import { recordCredential } from './credentials.js';
import { terminalSafe } from '../lib/terminal-safe.js';

export type { DoctorRow } from '../domain/doctor.js';

export interface DoctorDeps {
  /** The open store, or a function opening it (the doctor reports a store that will not open as a failure). */
  store: Store | (() => Promise<Store>);
  /** The process's Graph (the app's); the doctor builds one from ENTRA_* when run on its own. */
  graph?: Graph;
  now?: () => number;
}

const Probe = z.object({ at: z.number() });

async function checkStore(config: Config, deps: DoctorDeps, now: number): Promise<{ rows: DoctorRow[]; store?: Store }> {
  const check = 'Store';
  let store: Store;
  try {
    store = typeof deps.store === 'function' ? await deps.store() : deps.store;
  } catch (err) {
    return { rows: [{ group: 'store', check, status: 'fail', detail: `cannot open: ${reason(err).replace(/\/\/[^/\s@]+@/g, '//***@')}`, fix: 'Check VIGIL_STORE_URL (sqlite://path, redis://host:6379, postgresql://...) and that the server or directory is reachable and writable' }] };
  }
  try {
    await store.setMeta('doctor-probe', { at: now }, 60_000);
    const back = await store.getMeta('doctor-probe', Probe);
    if (back?.at !== now) throw new Error('a value written was not read back');
    return { rows: [{ group: 'store', check, status: 'pass', detail: `${store.kind} store: write and read back OK` }], store };
  } catch (err) {
    return { rows: [{ group: 'store', check, status: 'fail', detail: reason(err).replace(/\/\/[^/\s@]+@/g, '//***@'), fix: `Check VIGIL_STORE_URL (${config.core.VIGIL_STORE_URL.split(':')[0]}) is reachable and writable` }], store };
  }
}

/**
 * `vigil doctor`: check every configured integration for real, in parallel, and return one row per check.
 * Credential results are remembered in the store, so /readyz reports them too.
 */
export async function runDoctor(config: Config, deps: DoctorDeps): Promise<DoctorRow[]> {
  const now = (deps.now ?? Date.now)();
  const [store, ...rest] = await Promise.all([
    checkStore(config, deps, now),
    checkAtlassian(config, now),
    checkGraph(config, deps.graph),
    // Every channel plugin with a check, in registry order.
    ...channelPlugins().map(([name, plugin]) => plugin.doctor?.(config[name], { authorityHost: config.entra.ENTRA_AUTHORITY_HOST }) ?? []),
  ]);
  const rows = [...store.rows, ...rest.flat()];
  if (store.store && store.rows[0]?.status === 'pass') {
    for (const group of ['atlassian', 'graph', ...channelPlugins().map(([name]) => name)]) {
      const mine = rows.filter((r) => r.group === group && r.status !== 'skip');
      if (mine.length === 0) continue;
      const failed = mine.filter((r) => r.status === 'fail');
      await recordCredential(store.store, group, { ok: failed.length === 0, detail: failed.map((r) => `${r.check}: ${r.detail}`).join('; ') || undefined }, now);
    }
  }
  return rows;
}

const MARK: Record<DoctorRow['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** A plain-text table: status, check, detail; the fix under every row that is not a pass. */
export function formatDoctorTable(rows: DoctorRow[]): string {
  const w = rows.reduce((m, r) => Math.max(m, r.check.length), 5);
  const out = [`STATUS  ${'CHECK'.padEnd(w)}  DETAIL`];
  for (const r of rows) {
    // Details quote what the services answered (channel names, error messages): shown, never obeyed.
    out.push(`${MARK[r.status].padEnd(6)}  ${terminalSafe(r.check).padEnd(w)}  ${terminalSafe(r.detail)}`);
    if (r.fix && (r.status === 'fail' || r.status === 'warn')) out.push(`${' '.repeat(8)}${' '.repeat(w)}  fix: ${terminalSafe(r.fix)}`);
  }
  const fails = rows.filter((r) => r.status === 'fail').length;
  const warns = rows.filter((r) => r.status === 'warn').length;
  out.push('', fails === 0 ? `All checks passed${warns ? ` (${warns} warning${warns === 1 ? '' : 's'})` : ''}.` : `${fails} check${fails === 1 ? '' : 's'} failed.`);
  return `${out.join('\n')}\n`;
}

/**
 * The start-up doctor: run every check and log the outcome (a warning with the fix per failed or warned check),
 * so an operator sees a broken integration in the first lines of the log. Never throws.
 */
export async function runStartupDoctor(config: Config, deps: DoctorDeps & { log: Logger }): Promise<DoctorRow[]> {
  try {
    const rows = await runDoctor(config, deps);
    for (const r of rows) {
      if (r.status === 'fail') deps.log.warn({ check: r.check, fix: r.fix }, `doctor: ${r.check} failed: ${r.detail}`);
      else if (r.status === 'warn') deps.log.warn({ check: r.check, fix: r.fix }, `doctor: ${r.check}: ${r.detail}`);
    }
    const failed = rows.filter((r) => r.status === 'fail').length;
    deps.log.info({ checks: rows.length, failed }, failed ? `doctor: ${failed} check(s) failed; run "vigil doctor" for the table` : 'doctor: all checks passed');
    return rows;
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'doctor could not run');
    return [];
  }
}
