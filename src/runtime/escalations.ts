import { nextEscalation, type EscalationPolicy } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** How often the reminders are checked, and the lease one replica holds while it checks. */
export const ESCALATIONS_SCHEDULE = '* * * * *';
export const ESCALATIONS_LEASE_MS = 2 * 60_000;

/**
 * Reminders that escalate: every minute, open alerts nobody acknowledged are moved to their next reminder level
 * (domain/escalation.ts). The level is written on the alert under the store lock, and only if the alert is still
 * due when it is written, so a level is reached once per alert whichever replica runs and across restarts; the
 * outbox then redraws the card and each channel posts the reminder or escalation once (recorded in its delivery).
 */
export function createEscalations(deps: { store: Store; log: Logger; policy: EscalationPolicy; now?: () => number; onChange?: () => void }) {
  const now = deps.now ?? Date.now;
  return async function escalate(): Promise<number> {
    if (deps.policy.ackTimeoutMs <= 0) return 0;
    const open = (await deps.store.listAlertIndex()).filter((e) => e.status === 'open');
    let changed = 0;
    for (const entry of open) {
      const at = now();
      // A read first (no lock): most open alerts are not due; the due ones are decided again under the lock.
      const alert = await deps.store.getAlert(entry.id);
      if (!alert || !nextEscalation(alert, at, deps.policy)) continue;
      const updated = await deps.store.updateAlert(entry.id, (a) => {
        const next = nextEscalation(a, at, deps.policy);
        return next ? { ...a, escalation: next } : undefined;
      });
      if (!updated?.escalation) continue;
      changed++;
      const e = updated.escalation;
      deps.log.info({ alertId: updated.id, severity: updated.severity, level: e.level }, e.level === 1 ? 'alert not acknowledged in time: reminding the responders' : 'alert still not acknowledged: escalating');
    }
    if (changed > 0) deps.onChange?.();
    return changed;
  };
}
