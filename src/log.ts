import { pino, type Logger, type DestinationStream } from 'pino';

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

/** Logs are JSON lines on stderr (stdout is kept for command output such as replay alerts). */
export function createLogger(level = 'info', dest?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'vigil' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: (s) => scrubSecrets(s) },
      serializers: { err: pino.stdSerializers.err },
    },
    dest ?? pino.destination({ fd: 2, sync: true }),
  );
}
export type { Logger };
