import type { ActionKind, ActionOutcome } from '../../domain/index.js';

/** Pure text helpers shared by the Teams card renderers. No I/O, no clock. */

/**
 * Neutralise untrusted text (actor names, event values) for a TextBlock or FactSet value, then truncate.
 * Teams renders a markdown subset but does not reliably honour backslash escapes, so instead of escaping
 * (which could show stray backslashes) the constructs that matter are broken with an invisible zero-width
 * space: markdown links `[text](url)` (a phishing vector in a security alert) and emphasis runs.
 */
export function plain(text: string | undefined, max = 500): string {
  const s = truncate((text ?? '').replace(/\s+/g, ' ').trim(), max);
  return s.replace(/\]\s*\(/g, ']\u200B(').replace(/([*_~`])(?=[*_~`])/g, '$1\u200B').replace(/^([#>\-+]|\d+\.)(\s)/, '$1\u200B$2');
}

/** Truncate with an ellipsis so the result is at most `max` characters. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** "2026-11-21 14:02 UTC": deterministic, timezone-free (renderers never read the local clock). */
export function utc(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'unknown time';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const DONE_LABEL: Record<ActionKind, string> = {
  notify: 'User notified',
  'revoke-sessions': 'Sessions revoked (re-sign-in required)',
  suspend: 'User suspended',
  unsuspend: 'User re-enabled',
  dismiss: 'Alert dismissed',
};

const VERB_LABEL: Record<ActionKind, string> = {
  notify: 'notify the user',
  'revoke-sessions': 'revoke sessions',
  suspend: 'suspend the user',
  unsuspend: 're-enable the user',
  dismiss: 'dismiss the alert',
};

/** One outcome line: "User suspended by Alice at 2026-11-21 14:02 UTC". Dry runs and failures say so plainly. */
export function outcomeLine(o: ActionOutcome): string {
  const who = plain(o.by.name ?? o.by.id, 80);
  const when = utc(o.at);
  const warn = o.warnings.length > 0 ? ` ⚠️ ${plain(o.warnings.join(' '), 400)}` : '';
  const msg = (o.message ? ` — ${plain(o.message, 300)}` : '') + warn;
  switch (o.status) {
    case 'done':
      return `✅ ${DONE_LABEL[o.kind]} by ${who} at ${when}${msg}`;
    case 'dry-run':
      return `🧪 Dry run: nothing was changed (${VERB_LABEL[o.kind]}, requested by ${who} at ${when})${msg}`;
    case 'pending-approval':
      return `⏳ Waiting for a second responder to approve: ${VERB_LABEL[o.kind]} (requested by ${who} at ${when})${msg}`;
    case 'refused':
      return `⛔ Refused: ${VERB_LABEL[o.kind]} (requested by ${who} at ${when})${msg}`;
    case 'unknown':
      return `❓ Outcome unknown: ${VERB_LABEL[o.kind]} (requested by ${who} at ${when})${msg}`;
    case 'failed':
      return `❌ Failed: ${VERB_LABEL[o.kind]} (requested by ${who} at ${when})${msg}. Press the button again to retry, or act in the Microsoft Entra admin center.`;
  }
}

export const SEVERITY_BADGE = { low: '🔵 LOW', medium: '🟡 MEDIUM', high: '🟠 HIGH', critical: '🔴 CRITICAL' } as const;
export const SEVERITY_STYLE = { low: 'accent', medium: 'warning', high: 'attention', critical: 'attention' } as const;
export { STATUS_LABEL } from '../../domain/index.js';
