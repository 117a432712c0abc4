/**
 * The chat command grammar shared by Slack (`/vigil ...`) and Teams (bot messages):
 *   activity <email | account id | @user> [7d]   alerts [open | all | mine]   status   help
 * Anything else is "help" with the reason, so a typo gets usage text, never an error.
 */
export type Command =
  | { kind: 'activity'; who: string; days: number }
  | { kind: 'alerts'; openOnly: boolean; mine?: boolean }
  | { kind: 'status' }
  | { kind: 'help'; problem?: string };

export const DEFAULT_ACTIVITY_DAYS = 7;
/** The pipeline keeps 30 days of activity per user. */
export const MAX_ACTIVITY_DAYS = 30;
const MAX_TEXT = 500;

/** Parse a period such as 7d, 24h, 2w or a bare number of days. Undefined when it is not one. */
export function parsePeriodDays(s: string): number | undefined {
  const m = /^(\d{1,4})\s*(d|h|w)?$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase();
  const days = unit === 'h' ? n / 24 : unit === 'w' ? n * 7 : n;
  return days > 0 ? days : undefined;
}

export function parseCommand(text: string): Command {
  const clean = text.slice(0, MAX_TEXT).trim();
  if (clean === '') return { kind: 'help' };
  const [verb = '', ...rest] = clean.split(/\s+/);
  switch (verb.toLowerCase()) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'status':
      return rest.length === 0 ? { kind: 'status' } : { kind: 'help', problem: '`status` takes no arguments.' };
    case 'alerts': {
      const arg = (rest[0] ?? 'open').toLowerCase();
      if (rest.length > 1 || (arg !== 'open' && arg !== 'all' && arg !== 'mine'))
        return { kind: 'help', problem: '`alerts` takes `open` (the default), `all` or `mine`.' };
      return arg === 'mine' ? { kind: 'alerts', openOnly: true, mine: true } : { kind: 'alerts', openOnly: arg === 'open' };
    }
    case 'activity': {
      const [who, period, ...extra] = rest;
      if (!who || extra.length > 0)
        return { kind: 'help', problem: '`activity` needs one user (an email, an Atlassian account id or an @mention) and an optional period such as `7d`.' };
      let days = DEFAULT_ACTIVITY_DAYS;
      if (period !== undefined) {
        const d = parsePeriodDays(period);
        if (d === undefined) return { kind: 'help', problem: `"${period.slice(0, 20)}" is not a period; use e.g. \`7d\`, \`24h\` or \`2w\`.` };
        days = Math.min(d, MAX_ACTIVITY_DAYS);
      }
      return { kind: 'activity', who: stripMailto(who), days };
    }
    default:
      return { kind: 'help', problem: `Unknown command "${verb.slice(0, 30)}".` };
  }
}

/** Slack turns typed emails into `<mailto:a@b.c|a@b.c>`; keep the address. Mentions (`<@U1|name>`) pass through. */
function stripMailto(s: string): string {
  const m = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(s);
  return m ? m[1]! : s;
}

export const USAGE: ReadonlyArray<{ syntax: string; what: string }> = [
  { syntax: 'activity <email | @user> [7d]', what: "a user's recent Atlassian activity: sign-ins by country and IP, admin actions, impersonations, open alerts" },
  { syntax: 'alerts [open | all | mine]', what: 'the newest alerts (open ones by default; mine: the unresolved alerts you acknowledged or were assigned)' },
  { syntax: 'status', what: 'last sweep, cursor age, store and integrations' },
  { syntax: 'help', what: 'this help' },
];

/**
 * `export [90d | 2026-01-01] [csv | json]`: Slack only (the file arrives as an upload), so it is not a kind of
 * `Command` (Teams renders every Command kind). `days` or `from` bound the alerts by last seen; neither means
 * everything the store still keeps.
 */
export interface ExportArgs {
  format: 'csv' | 'json';
  days?: number;
  /** Start of a calendar day (UTC), epoch ms. */
  from?: number;
}
export type ExportParse = { ok: true; args: ExportArgs } | { ok: false; problem: string };

export const EXPORT_USAGE = {
  syntax: 'export [90d | 2026-01-01] [csv | json]',
  what: 'the alert history (alerts last seen in the period; default everything kept) as a CSV or JSON file in a direct message',
} as const;

/** `2026-01-31` → that day's start in UTC; undefined for anything else, including days that do not exist. */
function parseDay(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const at = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== s ? undefined : at;
}

/** Undefined when the text is not an export command; otherwise its arguments or the reason they are wrong. */
export function parseExportArgs(text: string): ExportParse | undefined {
  const [verb = '', ...rest] = text.slice(0, MAX_TEXT).trim().split(/\s+/);
  if (verb.toLowerCase() !== 'export') return undefined;
  const args: ExportArgs = { format: 'csv' };
  let format: string | undefined;
  let period: string | undefined;
  for (const token of rest) {
    const lower = token.toLowerCase();
    if (lower === 'csv' || lower === 'json') {
      if (format) return { ok: false, problem: '`export` takes one format: `csv` or `json`.' };
      format = args.format = lower;
      continue;
    }
    if (period) return { ok: false, problem: '`export` takes one period (e.g. `90d` or `2026-01-01`) and a format (`csv` or `json`).' };
    period = token;
    const day = parseDay(token);
    const days = day === undefined ? parsePeriodDays(token) : undefined;
    if (day !== undefined) args.from = day;
    else if (days !== undefined) args.days = days;
    else return { ok: false, problem: `"${token.slice(0, 20)}" is not a period or a format; use e.g. \`90d\`, \`2w\` or \`2026-01-01\`, and \`csv\` or \`json\`.` };
  }
  return { ok: true, args };
}

/** The earliest last-seen time an export includes, epoch ms (undefined: everything kept). */
export function exportSince(args: ExportArgs, now: number): number | undefined {
  if (args.from !== undefined) return args.from;
  return args.days !== undefined ? now - Math.round(args.days * 86_400_000) : undefined;
}
