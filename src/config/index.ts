import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import { entraSchema } from '../actions/settings.js';
import { CHANNEL_PLUGINS, type ChannelSettings } from '../channels/registry.js';
import { coreSchema } from './core.js';
import { detectionSchema } from './detection.js';
import { reportSchema } from './report.js';

/** The service's own sections; every channel plugin adds its section (channels/registry.ts). */
const own = {
  core: coreSchema,
  detection: detectionSchema,
  entra: entraSchema,
  report: reportSchema,
} as const;
const sections: Record<string, z.ZodType> = {
  ...own,
  ...Object.fromEntries(Object.entries(CHANNEL_PLUGINS).map(([name, plugin]) => [name, plugin.settings as z.ZodType])),
};

type Own = typeof own;
export type Config = { [K in keyof Own]: z.infer<Own[K]> } & ChannelSettings & {
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
    const r = schema.safeParse(env);
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
