import type { ActionOutcome, Alert, AuditEntry } from '../../src/domain/index.js';
import type { ReportItem } from '../../src/report/model.js';
import type { Store } from '../../src/store/store.js';
import { makeAlert } from '../fixtures/alert.js';

/**
 * A week of alerts as responders left them, for the report's builder, renderers, CLI and schedule tests. The
 * expected figures are worked out by hand in test/report/build.test.ts.
 */

/** Monday 2026-11-23 08:00 UTC: the period is [P0, P0 + 7 days). */
export const P0 = Date.UTC(2026, 10, 23, 8, 0);
export const DAY = 86_400_000;
export const MIN = 60_000;
export const PERIOD = { from: P0, to: P0 + 7 * DAY };

const people = {
  dana: { id: 'acc-dana', email: 'dana@example.com', name: 'Dana Scully' },
  bob: { id: 'acc-bob', email: 'bob@example.com', name: 'Bob Builder' },
  carol: { id: 'acc-carol', email: 'carol@example.com', name: 'Carol Danvers' },
  erin: { id: 'acc-erin', email: 'erin@example.com', name: 'Erin Brockovich' },
};
const alice = { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' };

interface Spec {
  id: string;
  detection: string;
  who: Alert['actor'];
  raised: number;
  status: Alert['status'];
  severity?: Alert['severity'];
  facts?: Record<string, unknown>;
  owner?: Alert['owner'];
  /** [kind, minutes after raised, status, reason] */
  acts?: Array<[ActionOutcome['kind'], number, ActionOutcome['status'], string?]>;
  /** Acknowledge / assign audit lines, minutes after raised. */
  taken?: Array<['acknowledge' | 'assign', number]>;
}

const SPECS: Spec[] = [
  { id: 'it-1', detection: 'impossible-travel', who: people.dana, raised: P0 + 60 * MIN, status: 'actioned', severity: 'high', taken: [['acknowledge', 5]], acts: [['suspend', 20, 'done']] },
  { id: 'it-2', detection: 'impossible-travel', who: people.dana, raised: P0 + DAY, status: 'actioned', severity: 'high', acts: [['notify', 2, 'failed'], ['revoke-sessions', 45, 'done']] },
  { id: 'ic-1', detection: 'infrequent-country', who: people.bob, raised: P0 + 120 * MIN, status: 'dismissed', facts: { ip: '198.51.100.20' }, acts: [['dismiss', 10, 'done', 'False positive']] },
  { id: 'ic-2', detection: 'infrequent-country', who: people.bob, raised: P0 + DAY + 120 * MIN, status: 'dismissed', facts: { ip: '198.51.100.20' }, acts: [['dismiss', 30, 'done', 'Expected activity (benign): travelling']] },
  { id: 'ic-3', detection: 'infrequent-country', who: people.carol, raised: P0 + 2 * DAY, status: 'dismissed', facts: { ip: '198.51.100.20' }, acts: [['dismiss', 120, 'done', 'False positive']] },
  { id: 'ic-4', detection: 'infrequent-country', who: people.bob, raised: P0 + 3 * DAY, status: 'open', facts: { ip: '203.0.113.50' } },
  { id: 'fl-1', detection: 'failed-logins', who: people.erin, raised: P0 + 3 * DAY + 60 * MIN, status: 'acknowledged', owner: { who: alice, at: P0 + 3 * DAY + 68 * MIN } },
  { id: 'fl-2', detection: 'failed-logins', who: people.erin, raised: P0 + 4 * DAY, status: 'dismissed', acts: [['dismiss', 3, 'done', 'Duplicate of another alert']] },
  { id: 'ps-1', detection: 'password-spray', who: { id: 'ip:203.0.113.99', name: '203.0.113.99' }, raised: P0 + 5 * DAY, status: 'open', severity: 'high', facts: { ip: '203.0.113.99' } },
  { id: 'an-1', detection: 'anonymous-ip', who: people.dana, raised: P0 + 5 * DAY + 60 * MIN, status: 'acknowledged', taken: [['assign', 15]], acts: [['notify', 50, 'done']] },
  // Outside the period: raised the day before, and exactly at its end.
  { id: 'old-1', detection: 'impossible-travel', who: people.dana, raised: P0 - DAY, status: 'dismissed', acts: [['dismiss', 5, 'done', 'False positive']] },
  { id: 'next-1', detection: 'impossible-travel', who: people.dana, raised: P0 + 7 * DAY, status: 'open' },
];

function itemOf(s: Spec): ReportItem {
  const alert = makeAlert({
    id: s.id,
    detection: s.detection,
    title: `${s.detection} for ${s.who.email ?? s.who.name}`,
    actor: s.who,
    severity: s.severity ?? 'medium',
    firstSeen: s.raised - 10 * MIN,
    lastSeen: s.raised - MIN,
    createdAt: s.raised,
    status: s.status,
    facts: s.facts ?? {},
    ...(s.owner ? { owner: s.owner } : {}),
  });
  const audit: AuditEntry[] = [];
  const latest = new Map<string, ActionOutcome>();
  for (const [what, after] of s.taken ?? []) audit.push({ at: s.raised + after * MIN, alertId: s.id, what, by: 'alice (slack:U0ALICE)', outcome: 'done', detail: {} });
  for (const [kind, after, status, reason] of s.acts ?? []) {
    const at = s.raised + after * MIN;
    audit.push({ at: at - 1000, alertId: s.id, what: kind, by: 'alice (slack:U0ALICE)', outcome: 'requested', detail: reason ? { reason } : {} });
    audit.push({ at, alertId: s.id, what: kind, by: 'alice (slack:U0ALICE)', outcome: status, detail: reason ? { reason } : {} });
    latest.set(kind, { alertId: s.id, kind, status, message: `${kind} ${status}`, by: alice, at, requestIds: [], warnings: [] });
  }
  return { alert, outcomes: [...latest.values()], audit: audit.sort((x, y) => x.at - y.at) };
}

export const reportItems = (): ReportItem[] => SPECS.map(itemOf);

/** The same alerts in a store (alerts, latest outcomes, audit trails). */
export async function seedReportStore(store: Store): Promise<void> {
  const items = reportItems();
  await store.saveAlerts(items.map((i) => i.alert));
  for (const i of items) {
    for (const o of i.outcomes) await store.saveActionOutcome(o);
    for (const r of i.audit) await store.appendAudit({ ...r });
  }
}
