/**
 * Text from outside Vigil (display names, titles, cities, policy names, error messages) printed to a terminal
 * or a log line: every control character that a terminal acts on is shown as a visible escape instead.
 * C0 controls (including ESC, CR, LF, TAB, BEL), DEL, C1 controls (U+0080-U+009F: 8-bit CSI, OSC...), and the
 * Unicode line/paragraph separators and bidirectional overrides that reorder or break what is shown.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every terminal control character replaced by a visible escape (`\e`, `\n`, `\x9b`, `\u202e`...). */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** For JSON text (log lines): the characters JSON leaves raw but a terminal acts on, as `\uXXXX` escapes. */
export function jsonTerminalSafe(json: string): string {
  // eslint-disable-next-line no-control-regex
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Multi-line text for a terminal (CSV or JSON export to a TTY): line breaks kept, every other control shown. */
export function terminalSafeLines(text: string): string {
  return text.replace(/\r\n/g, '\n').split('\n').map(terminalSafe).join('\n');
}
