import { isUnresolved, type Alert, type Responder } from '../domain/index.js';
import type { Store } from '../store/store.js';
import { summarizeActivity, type ActivityReport } from './activity.js';
import { listAlerts, type AlertsReport } from './alerts.js';
import type { Command } from './parse.js';
import { USAGE } from './parse.js';
import { buildStatus, type StatusInfo, type StatusReport } from './status.js';

export interface HelpReport {
  kind: 'help';
  problem?: string;
  usage: typeof USAGE;
}
export type CommandResult = ActivityReport | AlertsReport | StatusReport | HelpReport;

export interface CommandDeps {
  store: Store;
  status: () => Promise<StatusInfo>;
  now?: () => number;
  /** Who asked (their platform id): `alerts mine` lists the alerts they own. */
  caller?: Responder;
  /** Most alerts scanned for a listing (newest by lastSeen). */
  scanLimit?: number;
}

/** Load the alerts named in the index, newest first, skipping any that are gone. */
async function loadAlerts(store: Store, filter: (e: { detection: string; status: string }) => boolean, max: number): Promise<Alert[]> {
  const index = (await store.listAlertIndex()).filter(filter).sort((a, b) => b.lastSeen - a.lastSeen).slice(0, max);
  const alerts = await Promise.all(index.map((e) => store.getAlert(e.id)));
  return alerts.filter((a): a is Alert => a !== undefined);
}

/**
 * Run a parsed command against the store. `activity` expects `who` already resolved to an email or Atlassian
 * account id (platforms resolve their own @mentions first).
 */
export async function runCommand(cmd: Command, deps: CommandDeps): Promise<CommandResult> {
  const now = (deps.now ?? Date.now)();
  const max = deps.scanLimit ?? 500;
  switch (cmd.kind) {
    case 'help':
      return { kind: 'help', problem: cmd.problem, usage: USAGE };
    case 'status':
      return buildStatus(await deps.store.getLastSweep(), await deps.status(), now);
    case 'alerts': {
      const open = (e: { status: string }) => isUnresolved(e.status);
      if (cmd.mine && !deps.caller) return { kind: 'help', problem: '`alerts mine` needs to know who you are; ask from Slack or Teams.', usage: USAGE };
      const mine = cmd.mine ? deps.caller : undefined;
      return listAlerts(await loadAlerts(deps.store, cmd.openOnly ? open : () => true, max), { openOnly: cmd.openOnly, ...(mine ? { mine } : {}) });
    }
    case 'activity': {
      const activity = await deps.store.readActivity(cmd.who);
      const alerts = activity ? (await loadAlerts(deps.store, (e) => isUnresolved(e.status), max)).filter((a) => a.actor.id === activity.accountId) : [];
      return summarizeActivity({ who: cmd.who, activity, alerts, days: cmd.days, now });
    }
  }
}
