import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/chat-commands/export.js';
import type { Alert } from '../../src/domain/index.js';

/**
 * Parse an export CSV with an independent RFC 4180 parser and check it against the stored alerts: the columns,
 * the row order (`ids`) and every per-alert column. Returns the rows for the caller's own checks.
 */
export function expectCsvOfAlerts(csv: string, alerts: Alert[], ids: string[]): Array<Record<string, string>> {
  const rows = parse(csv, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
  expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
  expect(rows.map((r) => r.id)).toEqual(ids);
  for (const row of rows) {
    const a = alerts.find((x) => x.id === row.id)!;
    expect(row).toMatchObject({
      detection: a.detection,
      severity: a.severity,
      title: a.title,
      actor_id: a.actor.id,
      actor_email: a.actor.email ?? '',
      actor_name: a.actor.name ?? '',
      status: a.status,
      event_count: String(a.count),
      evidence_summary: a.evidence.map((e) => `${e.label}: ${e.value}`).join('; '),
    });
    expect(Date.parse(row.first_seen!)).toBe(a.firstSeen);
    expect(Date.parse(row.last_seen!)).toBe(a.lastSeen);
  }
  return rows;
}
