import { pino, type Logger, type DestinationStream } from 'pino';
import { jsonTerminalSafe, terminalSafe } from './lib/terminal-safe.js';

const secretValues = new Set<string>();

/** Register secret values (tokens, keys, passwords) so they are scrubbed from every log line, wherever they appear. */
export function registerSecrets(values: Array<string | undefined>): void {
  for (const v of values) if (v && v.length >= 6) secretValues.add(v);
}

/** Replace every registered secret and every bearer/basic credential in a string. */
export function scrubSecrets(s: string): string {
  let out = s;
  for (const v of secretValues) if (out.includes(v)) out = out.split(v).join('[REDACTED]');
  return out
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]')
    .replace(/\bxox[abprs]-[0-9A-Za-z-]{6,}/g, '[REDACTED]')
    .replace(/\bxapp-[0-9A-Za-z-]{6,}/g, '[REDACTED]');
}

const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'client_secret',
  'access_token',
  '*.access_token',
];

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A human line for a terminal: `14:02:11 WARN message key=value`. JSON stays the format everywhere else. */
export function prettyLine(json: string): string {
  try {
    const { time, level, msg, svc: _svc, ...rest } = JSON.parse(json) as Record<string, unknown>;
    const t = new Date(Number(time)).toISOString().slice(11, 19);
    const extra = Object.entries(rest)
      .map(([k, v]) => `${terminalSafe(k)}=${terminalSafe(typeof v === 'string' ? v : JSON.stringify(v))}`)
      .join(' ');
    // Messages and fields carry outside text (names, titles, error messages): control characters are shown, not obeyed.
    return `${t} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${terminalSafe(String(msg ?? ''))}${extra ? `  ${extra}` : ''}\n`;
  } catch {
    return `${terminalSafe(json.replace(/\n$/, ''))}\n`;
  }
}

/**
 * Logs are JSON lines on stderr (stdout is kept for command output such as replay alerts); on a terminal they
 * are printed as readable lines instead. Secrets are scrubbed either way.
 */
export function createLogger(level = 'info', dest?: DestinationStream): Logger {
  const pretty = !dest && process.stderr.isTTY === true && process.env.VIGIL_LOG_FORMAT !== 'json';
  return pino(
    {
      level,
      base: { svc: 'vigil' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      // JSON lines escape C0 controls already; C1 controls and bidi overrides are escaped too (logs end up on terminals).
      hooks: { streamWrite: (s) => (pretty ? prettyLine(scrubSecrets(s)) : jsonTerminalSafe(scrubSecrets(s))) },
      serializers: { err: pino.stdSerializers.err },
    },
    dest ?? pino.destination({ fd: 2, sync: true }),
  );
}
export type { Logger };

/** One line for an argument a library printed: an Error's name, code and message (never its stack). */
function consoleText(args: unknown[]): string {
  return args
    .map((a) => (a instanceof Error ? `${a.name}${(a as { code?: string }).code ? ` ${(a as { code?: string }).code}` : ''}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a) ?? String(a)))
    .join(' ')
    .slice(0, 2000);
}

/**
 * Libraries print on their own (botbuilder's CloudAdapter and JWT checks call console.error with raw errors and
 * stacks). For the service, that output goes through the logger instead: one JSON line, scrubbed of secrets,
 * without stack frames.
 */
export function routeConsoleToLogger(log: Logger): void {
  console.error = (...args: unknown[]) => log.error({ lib: consoleText(args) }, 'library error output');
  console.warn = (...args: unknown[]) => log.warn({ lib: consoleText(args) }, 'library warning output');
}
