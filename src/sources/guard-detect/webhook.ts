import type { Express } from 'express';
import type { InboundLimits } from '../../http/body-gate.js';
import type { Alert } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { registerJsonRoute } from '../webhook.js';
import { GuardDetectPayload, checkGuardDetectAlert, clean, guardDetectAlertId, mapGuardDetectAlert, type KnownUser } from './alert.js';

export interface GuardDetectWebhookOptions {
  /** VIGIL_GUARD_DETECT_SECRET; when unset the route answers 503 and names the setting. */
  secret?: string;
  limits: InboundLimits;
  store: Pick<Store, 'saveAlerts' | 'getAlert' | 'readActivity'>;
  log: Logger;
  /** Told about alerts that are new or changed (delivery is kicked, metrics counted). */
  onAlerts?: (alerts: Alert[]) => void;
  now?: () => number;
  path?: string;
}

/** A body carries one alert (what Guard Detect sends) or, leniently, an array of at most this many. */
const MAX_ALERTS = 50;
const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}\.[^\s@]{1,63}$/;

type Outcome = 'created' | 'updated' | 'duplicate';

/** What the audit log told Vigil about an account: the email the response actions need, and a name. */
async function knownUser(store: GuardDetectWebhookOptions['store'], accountId: string | undefined): Promise<KnownUser | undefined> {
  if (!accountId) return undefined;
  const seen = await store.readActivity(accountId);
  if (!seen) return undefined;
  const email = seen.email && EMAIL.test(seen.email) ? seen.email : undefined;
  const name = clean(seen.name, 200);
  return { ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

/**
 * POST /webhooks/guard-detect: Atlassian Guard Detect's SIEM webhook. Each alert becomes a Vigil alert (stored and
 * queued in the outbox in one write, like a detection's), so every channel shows it with the response buttons.
 * Deduplicated by Guard Detect's alert id: a redelivery changes nothing, a later update of the alert updates the card.
 */
export function registerGuardDetectWebhook(app: Express, opts: GuardDetectWebhookOptions): void {
  const path = opts.path ?? '/webhooks/guard-detect';
  const now = opts.now ?? Date.now;
  const { maxBytes, ...limits } = opts.limits;
  const route = { path, secretSetting: 'VIGIL_GUARD_DETECT_SECRET', secret: opts.secret, maxBytes, limits, log: opts.log };
  const expected = 'send a Guard Detect alert (JSON object) or an array of them';
  registerJsonRoute(app, { ...route, refusal: 'guard detect request rejected', expected }, async (body, res, reject) => {
    const items = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : undefined;
    if (!items) return reject(res, 400, `body must be a Guard Detect alert object or an array of them`);
    if (items.length === 0) return reject(res, 400, 'empty array: no Guard Detect alert');
    if (items.length > MAX_ALERTS) return reject(res, 400, `too many alerts in one body (${items.length}; at most ${MAX_ALERTS})`);
    const at = now();
    const rejected: Array<{ index: number; reason: string }> = [];
    const valid: GuardDetectPayload[] = [];
    items.forEach((raw, index) => {
      const parsed = GuardDetectPayload.safeParse(raw);
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      const reason = issue ? `${issue.path.join('.') || '(alert)'}: ${issue.message}` : checkGuardDetectAlert(parsed.data!);
      if (reason) rejected.push({ index, reason: reason.slice(0, 300) });
      else valid.push(parsed.data!);
    });
    for (const r of rejected.slice(0, 20)) opts.log.warn({ route: path, index: r.index, reason: r.reason }, 'guard detect alert rejected');
    if (valid.length === 0) return reject(res, 400, 'not a Guard Detect alert', { rejected: rejected.slice(0, 50) });
    try {
      const alerts = new Map<string, Alert>();
      for (const p of valid) {
        const known = await knownUser(opts.store, clean(p.actor?.accountId, 200));
        const stored = await opts.store.getAlert(guardDetectAlertId(p));
        const a = mapGuardDetectAlert(p, known, at, stored?.lastSeen ?? at);
        const twin = alerts.get(a.id);
        if (!twin || twin.lastSeen <= a.lastSeen) alerts.set(a.id, a); // the same alert twice in one body: the newest
      }
      const ids = [...alerts.keys()];
      const before = await Promise.all(ids.map((id) => opts.store.getAlert(id)));
      await opts.store.saveAlerts([...alerts.values()]);
      const after = await Promise.all(ids.map((id) => opts.store.getAlert(id)));
      const results = ids.map((id, i): { id: string; result: Outcome } => {
        const b = before[i];
        return { id, result: !b ? 'created' : (after[i]?.revision ?? 0) > b.revision ? 'updated' : 'duplicate' };
      });
      for (const [i, p] of valid.entries())
        if (i < 20) opts.log.info({ route: path, guardDetectAlertId: clean(p.alertId ?? p.alert?.id ?? p.id, 100), alertId: guardDetectAlertId(p) }, 'guard detect alert received');
      const changed = after.filter((a, i): a is Alert => !!a && results[i]!.result !== 'duplicate');
      if (changed.length > 0) opts.onAlerts?.(changed);
      const count = (o: Outcome) => results.filter((r) => r.result === o).length;
      res.status(202).json({ accepted: valid.length, created: count('created'), updated: count('updated'), duplicates: count('duplicate'), rejected: rejected.slice(0, 50), alerts: results });
    } catch (err) {
      opts.log.error({ route: path, err: (err as Error).message }, 'guard detect alerts could not be stored; the sender should retry');
      res.status(503).json({ error: 'alerts could not be stored right now; retry later' });
    }
  });
}
