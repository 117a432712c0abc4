import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/index.js';
import { csvField } from '../../src/chat-commands/csv.js';
import { EXPORT_COLUMNS, exportToString } from '../../src/chat-commands/export.js';
import { keys } from '../../src/store/keys.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DANA_T0 as T0, makeAlert, makeOutcome } from '../fixtures/alert.js';
import { expectCsvOfAlerts } from './export-csv.js';

const DAY = 86_400_000;

/** Three alerts with awkward text (commas, quotes, newlines, non-ASCII, leading spaces) and one with actions. */
async function seed(): Promise<{ store: Store; alerts: Alert[] }> {
  const store = createStore(createMemoryKV());
  const alerts = [
    makeAlert({ id: 'alert-old', lastSeen: T0 - 100 * DAY, firstSeen: T0 - 101 * DAY, detection: 'failed-logins', severity: 'medium' }),
    makeAlert({
      id: 'alert-quoted',
      title: 'Login from "Tor", then admin, then\nsuspend',
      actor: { id: 'acc-2', email: 'zoë@example.com', name: ' Zoë O\'Brien, Jr. ' },
      evidence: [
        { label: 'IP', value: '185.220.101.4, 185.220.101.5' },
        { label: 'Note', value: 'line one\r\nline "two"' },
      ],
      lastSeen: T0 - 2 * DAY,
      firstSeen: T0 - 3 * DAY,
    }),
    makeAlert({ id: 'alert-actioned', status: 'actioned', lastSeen: T0 - DAY, firstSeen: T0 - DAY - 3_600_000 }),
  ];
  await store.saveAlerts(alerts);
  await store.saveActionOutcome(makeOutcome({ alertId: 'alert-actioned', kind: 'revoke-sessions', at: T0 - DAY + 60_000 }));
  await store.saveActionOutcome(makeOutcome({ alertId: 'alert-actioned', kind: 'suspend', at: T0 - DAY + 120_000, by: { platform: 'teams', id: 'aad-9', name: 'bob' } }));
  await store.appendAudit({ at: T0 - DAY + 120_000, alertId: 'alert-actioned', what: 'suspend', by: 'teams:aad-9', outcome: 'done', detail: {} });
  const stored = await Promise.all(alerts.map((a) => store.getAlert(a.id)));
  return { store, alerts: stored as Alert[] };
}

describe('alert export', () => {
  it('CSV parsed back by an independent RFC 4180 parser equals the stored alerts', async () => {
    const { store, alerts } = await seed();
    const csv = await exportToString({ store, format: 'csv' });
    expect(csv.endsWith('\r\n')).toBe(true);
    // Ordered by last seen.
    const rows = expectCsvOfAlerts(csv, alerts, ['alert-old', 'alert-quoted', 'alert-actioned']);
    const actioned = rows.find((r) => r.id === 'alert-actioned')!;
    expect(actioned.actions_taken).toBe('revoke-sessions:done; suspend:done');
    expect(actioned.actions_by).toBe('alice (slack:U012ABC); bob (teams:aad-9)');
    expect(rows.find((r) => r.id === 'alert-old')!.actions_taken).toBe('');
  });

  it('JSON round-trips every stored field, with actions and audit', async () => {
    const { store, alerts } = await seed();
    const out = JSON.parse(await exportToString({ store, format: 'json' })) as Array<Record<string, unknown>>;
    expect(out).toHaveLength(3);
    for (const item of out) {
      const a = alerts.find((x) => x.id === item.id)!;
      const { firstSeen, lastSeen, actions, audit, ...rest } = item;
      expect({ ...rest, firstSeen: Date.parse(firstSeen as string), lastSeen: Date.parse(lastSeen as string) }).toEqual(a);
      expect(Array.isArray(actions) && Array.isArray(audit)).toBe(true);
    }
    const actioned = out.find((i) => i.id === 'alert-actioned')!;
    expect((actioned.actions as Array<{ kind: string }>).map((x) => x.kind)).toEqual(['revoke-sessions', 'suspend']);
    expect(actioned.audit).toEqual([{ at: new Date(T0 - DAY + 120_000).toISOString(), alertId: 'alert-actioned', what: 'suspend', by: 'teams:aad-9', outcome: 'done', detail: {} }]);
  });

  it('--since keeps only alerts seen at or after the cut-off; an empty export is still valid', async () => {
    const { store } = await seed();
    const csv = await exportToString({ store, format: 'csv', since: T0 - 2 * DAY });
    expect((parse(csv, { columns: true }) as Array<{ id: string }>).map((r) => r.id)).toEqual(['alert-quoted', 'alert-actioned']);
    expect(JSON.parse(await exportToString({ store, format: 'json', since: T0 + DAY }))).toEqual([]);
    expect(await exportToString({ store, format: 'csv', since: T0 + DAY })).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
  });

  it('reports progress and names an unreadable alert instead of dropping it silently', async () => {
    const { store } = await seed();
    await store.kv.set(keys.alert('alert-quoted'), { id: 'alert-quoted', broken: true });
    const progress: Array<[number, number]> = [];
    const skipped: string[] = [];
    const csv = await exportToString({ store, format: 'csv', onProgress: (d, t) => progress.push([d, t]), onSkip: (id) => skipped.push(id) });
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(skipped).toEqual(['alert-quoted']);
    expect((parse(csv, { columns: true }) as Array<{ id: string }>).map((r) => r.id)).toEqual(['alert-old', 'alert-actioned']);
  });
});

describe('CSV quoting', () => {
  it('quotes what needs quoting and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('');
  });

  it('neutralises spreadsheet formulas in untrusted text (CSV injection)', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField(5)).toBe('5');
  });
});
