import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import { coreSchema } from './core.js';
import { detectionSchema } from './detection.js';
import { entraSchema } from './entra.js';
import { opsSchema } from './ops.js';
import { slackSchema } from './slack.js';
import { teamsSchema } from './teams.js';

const sections = {
  core: coreSchema,
  detection: detectionSchema,
  slack: slackSchema,
  teams: teamsSchema,
  entra: entraSchema,
  ops: opsSchema,
} as const;

type Sections = typeof sections;
export type Config = { [K in keyof Sections]: z.infer<Sections[K]> } & {
  /** True when no Atlassian credentials are set (or VIGIL_DEMO=true): run on the bundled demo log. */
  demo: boolean;
};

/**
 * Validate every setting at once. Throws one ConfigError naming every missing or invalid variable
 * and how to fix it. Values of secrets never appear in the message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(sections)) {
    const r = (schema as z.ZodType).safeParse(env);
    if (r.success) out[name] = r.data;
    else
      for (const issue of r.error.issues) {
        const variable = String(issue.path[0] ?? name);
        const msg = issue.code === 'invalid_value' ? `must be one of: ${(issue as { values?: unknown[] }).values?.join(', ')}` : issue.message;
        problems.push(`  - ${variable}: ${msg}`);
      }
  }
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new ConfigError(
      `Invalid configuration (${unique.length} problem${unique.length > 1 ? 's' : ''}):\n${unique.join('\n')}\n` +
        'Set these in the environment or in a .env file (every setting is described in .env.example).',
    );
  }
  const cfg = out as Omit<Config, 'demo'>;
  return { ...cfg, demo: cfg.core.VIGIL_DEMO || !cfg.core.ATLASSIAN_API_KEY } as Config;
}

/** Load `.env` from the working directory when present (real environment variables win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
