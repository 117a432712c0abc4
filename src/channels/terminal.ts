import type { Alert } from '../domain/index.js';
import type { AlertChannel } from '../domain/index.js';
import { terminalSafe as safe } from '../lib/terminal-safe.js';

const SEV_COLOR: Record<string, string> = { low: '36', medium: '33', high: '31', critical: '35' };

/** One readable block per alert for a terminal (demo mode, `replay --format table`). */
export function formatAlertText(a: Alert, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const when = new Date(a.firstSeen).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const head = `${paint(`1;${SEV_COLOR[a.severity] ?? '0'}`, safe(a.severity.toUpperCase()).padEnd(8))} ${paint('1', safe(a.detection))}  ${when}  ${a.count} event${a.count === 1 ? '' : 's'}`;
  // Titles and evidence carry outside text (display names, cities...): control characters are shown, not obeyed.
  const lines = [head, `  ${safe(a.title)}`];
  for (const e of a.evidence.slice(0, 6)) lines.push(`  ${paint('2', `${safe(e.label)}:`)} ${safe(e.value)}`);
  return lines.join('\n');
}

/** A fixed-width table of alerts, one row each. */
export function formatAlertTable(alerts: Alert[]): string {
  const rows = alerts.map((a) => [
    new Date(a.firstSeen).toISOString().slice(0, 16).replace('T', ' '),
    a.severity,
    a.detection,
    a.actor.email ?? a.actor.name ?? a.actor.id,
    String(a.count),
    a.title,
  ].map(safe));
  const header = ['first seen (UTC)', 'severity', 'detection', 'actor', 'events', 'title'];
  const widths = header.map((h, i) => Math.min(i === 5 ? 80 : 40, rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length)));
  const fmt = (r: string[]) => r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** Demo mode's channel: prints each new alert (and each growth) to a stream. */
export function createTerminalChannel(out: NodeJS.WritableStream = process.stdout): AlertChannel {
  const color = (out as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
  return {
    name: 'terminal',
    async deliver(view, previous) {
      const prefix = previous?.deliveredAt ? '(updated) ' : '';
      out.write(`${prefix}${formatAlertText(view.alert, color)}\n\n`);
      return { printed: 'yes' };
    },
  };
}
