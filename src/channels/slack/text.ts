/** Block Kit limits we render against (from @slack/types JSDoc and Slack's Block Kit reference). */
export const LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  modalTitle: 24,
  privateMetadata: 3000,
  /** chat.postMessage truncates `text` at 40,000; we keep the fallback short. */
  fallback: 3000,
} as const;

const ELLIPSIS = '…';

/** Truncate by code points (never splitting a surrogate pair) to at most `max` characters, ending with "…". */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  let out = '';
  for (const c of chars) {
    if (out.length + c.length > max - 1) break;
    out += c;
  }
  return out + ELLIPSIS;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escape a user-controlled string for Slack mrkdwn (`&`, `<`, `>`: this neutralises `<!channel>`, `<@U…>` and
 * link syntax) and fit it into `max` characters without cutting an entity in half.
 */
export function esc(s: string, max: number = LIMITS.sectionText): string {
  let out = '';
  for (const c of Array.from(s)) {
    const piece = ENTITIES[c] ?? c;
    if (out.length + piece.length > max - 1) {
      return out + ELLIPSIS;
    }
    out += piece;
  }
  return out;
}

/** Plain text needs no escaping, only the length limit (and no empty strings: Slack rejects them). */
export function plain(s: string, max: number): string {
  const t = truncate(s.replace(/\s+/g, ' ').trim(), max);
  return t === '' ? '-' : t;
}

/** A date that Slack renders in the reader's time zone, with a UTC fallback for clients that cannot. */
export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/** A Slack user mention from a user id we received from Slack itself (ids are [A-Z0-9]). */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : esc(userId, 80);
}

/** Join lines, dropping whole lines that would overflow `max` (with a "+N more" note). */
export function fitLines(lines: string[], max: number): string {
  const out: string[] = [];
  let len = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const last = i === lines.length - 1;
    const more = `…and ${lines.length - i} more`;
    if (len + line.length + 1 > (last ? max : max - more.length - 1)) {
      out.push(more);
      break;
    }
    out.push(line);
    len += line.length + 1;
  }
  return truncate(out.join('\n'), max);
}
