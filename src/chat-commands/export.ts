import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ActionKind, type ActionOutcome, type Alert } from '../domain/index.js';
import type { AuditRecord, Store } from '../store/store.js';
import { csvRow } from './csv.js';

/** Stable CSV columns (export v1). New columns are only ever appended at the end. */
export const EXPORT_COLUMNS = [
  'id',
  'detection',
  'severity',
  'title',
  'actor_id',
  'actor_email',
  'actor_name',
  'first_seen',
  'last_seen',
  'status',
  'event_count',
  'actions_taken',
  'actions_by',
  'evidence_summary',
] as const;

export interface ExportOptions {
  store: Store;
  format: 'csv' | 'json';
  /** Alerts seen (lastSeen) at or after this time, epoch ms. Default: everything retained. */
  since?: number;
  onProgress?: (done: number, total: number) => void;
  /** A stored alert that cannot be read is skipped and reported here, never silently dropped. */
  onSkip?: (alertId: string, reason: string) => void;
}

export interface ExportItem {
  alert: Alert;
  outcomes: ActionOutcome[];
  audit: AuditRecord[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The CSV cells of one alert, in EXPORT_COLUMNS order. */
export function exportRow({ alert: a, outcomes }: ExportItem): string[] {
  const sorted = [...outcomes].sort((x, y) => x.at - y.at || x.kind.localeCompare(y.kind));
  const by = [...new Set(sorted.map((o) => `${o.by.name ?? o.by.id} (${o.by.platform}:${o.by.id})`))];
  const evidence = a.evidence.map((e) => `${e.label}: ${e.value}`).join('; ');
  return [
    a.id,
    a.detection,
    a.severity,
    a.title,
    a.actor.id,
    a.actor.email ?? '',
    a.actor.name ?? '',
    iso(a.firstSeen),
    iso(a.lastSeen),
    a.status,
    String(a.count),
    sorted.map((o) => `${o.kind}:${o.status}`).join('; '),
    by.join('; '),
    evidence.length > 2000 ? `${evidence.slice(0, 1999)}…` : evidence,
  ];
}

/** The JSON form of one alert: the stored alert plus what was done to it and by whom. */
export function exportJson({ alert: a, outcomes, audit }: ExportItem) {
  return {
    ...a,
    firstSeen: iso(a.firstSeen),
    lastSeen: iso(a.lastSeen),
    actions: [...outcomes].sort((x, y) => x.at - y.at || x.kind.localeCompare(y.kind)).map((o) => ({ ...o, at: iso(o.at) })),
    audit: audit.map((r) => ({ ...r, at: iso(r.at) })),
  };
}

/** One alert with its latest outcome per action kind and its audit trail (undefined when it is gone). */
export async function loadItem(store: Store, id: string): Promise<ExportItem | undefined> {
  const alert = await store.getAlert(id);
  if (!alert) return undefined;
  const outcomes = (await Promise.all(ActionKind.options.map((k) => store.getActionOutcome(id, k)))).filter((o): o is ActionOutcome => o !== undefined);
  return { alert, outcomes, audit: await store.listAudit(id) };
}

/**
 * Stream the alert history as CSV (header + one row per alert) or as a JSON array, by last seen. Alerts are
 * read one at a time, so memory stays flat however long the history is.
 */
export async function* exportAlerts(opts: ExportOptions): AsyncGenerator<string> {
  const since = opts.since ?? 0;
  const order = (await opts.store.listAlertIndex())
    .filter((e) => e.lastSeen >= since)
    .sort((x, y) => x.lastSeen - y.lastSeen || x.id.localeCompare(y.id));
  const total = order.length;

  if (opts.format === 'csv') yield csvRow([...EXPORT_COLUMNS]);
  else yield '[';
  let done = 0;
  let first = true;
  for (const { id } of order) {
    let item: ExportItem | undefined;
    try {
      item = await loadItem(opts.store, id);
    } catch (err) {
      opts.onSkip?.(id, (err as Error).message);
    }
    done++;
    opts.onProgress?.(done, total);
    if (!item) continue;
    if (opts.format === 'csv') yield csvRow(exportRow(item));
    else {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(exportJson(item))}`;
      first = false;
    }
  }
  if (opts.format === 'json') yield first ? ']\n' : '\n]\n';
}

/**
 * Write an export to a stream, honouring back-pressure. Returns the number of bytes written. `display` maps
 * each chunk first (the CLI neutralises control characters when the export goes to a terminal).
 */
export async function writeExport(out: Writable, opts: ExportOptions, display: (chunk: string) => string = (c) => c): Promise<number> {
  let bytes = 0;
  for await (const raw of exportAlerts(opts)) {
    const chunk = display(raw);
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  return bytes;
}

/** The whole export as one string (for a Slack file upload of `/vigil export`). */
export async function exportToString(opts: ExportOptions): Promise<string> {
  let s = '';
  for await (const chunk of exportAlerts(opts)) s += chunk;
  return s;
}
