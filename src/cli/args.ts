import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The command line, strictly: every command and option is known, and a misspelt one is an error with the
 * nearest valid spelling ("did you mean --format?"), never silently ignored.
 */
type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMANDS: Record<string, { options: Options; positionals: number }> = {
  serve: { options: {}, positionals: 0 },
  sweep: { options: { once: { type: 'boolean' } }, positionals: 0 },
  learn: { options: { since: { type: 'string' } }, positionals: 0 },
  replay: {
    options: { format: { type: 'string' }, actions: { type: 'string' }, sensitivity: { type: 'string' }, policy: { type: 'string' } },
    positionals: 1,
  },
  doctor: { options: { json: { type: 'boolean' } }, positionals: 0 },
  export: { options: { since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }, positionals: 0 },
  report: { options: { since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' } }, positionals: 0 },
  help: { options: {}, positionals: 0 },
  version: { options: {}, positionals: 0 },
};

export type CommandLine =
  | { kind: 'run'; command: string; values: Record<string, string | boolean | undefined>; positionals: string[] }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function didYouMean(word: string, candidates: string[]): string {
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? ` Did you mean "${best.c}"?` : '';
}

export function parseCommandLine(argv: string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') return rest.length === 0 ? { kind: 'version' } : { kind: 'error', message: `vigil ${first} takes no arguments` };
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { kind: 'help' };
  if (first.startsWith('-')) return { kind: 'error', message: `vigil: unknown option ${first}.${didYouMean(first, ['--version', '--help'])}` };
  const spec = COMMANDS[first];
  if (!spec) return { kind: 'error', message: `vigil: unknown command "${first}".${didYouMean(first, Object.keys(COMMANDS))}` };
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help' };
  try {
    const { values, positionals } = parseArgs({ args: rest, options: spec.options, allowPositionals: true, strict: true });
    if (positionals.length > spec.positionals) {
      return { kind: 'error', message: `vigil ${first}: unexpected argument "${positionals[spec.positionals]}"` };
    }
    return { kind: 'run', command: first, values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    const bad = /'(-{1,2}[^']+)'/.exec((err as Error).message)?.[1];
    const names = Object.keys(spec.options).map((o) => `--${o}`);
    if (bad && (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const hint = names.length > 0 ? didYouMean(bad, names) || ` Options of ${first}: ${names.join(', ')}.` : ` vigil ${first} takes no options.`;
      return { kind: 'error', message: `vigil ${first}: unknown option ${bad}.${hint}` };
    }
    return { kind: 'error', message: `vigil ${first}: ${(err as Error).message.split('\n')[0]}` };
  }
}
