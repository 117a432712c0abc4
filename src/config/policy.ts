import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DetectionPolicy } from '../detections/configure.js';
import type { PolicySpec } from '../detections/policy.js';
import { DEFAULT_POLICY_PACK } from '../detections/policy-pack.js';
import { BUILT_IN_IDS } from '../detections/registry.js';
import { ConfigError } from '../domain/errors.js';
import { parseIpList } from '../enrich/ip-lists.js';
import { parseDuration } from '../lib/settings.js';

const Sensitivity = z.enum(['low', 'medium', 'high']);
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const ipOrCidr = nonEmpty.refine((v) => parseIpList('check', v).problems.length === 0, { message: 'must be an IP address or CIDR range' });
const strings = z.array(nonEmpty).min(1, 'must list at least one value');
const duration = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v * 1000 : parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 10m or 1h (a number means seconds)' });
    return z.NEVER;
  }
  return ms;
});

const Exclude = z.strictObject({ users: strings.optional(), ips: z.array(ipOrCidr).optional(), sites: strings.optional() });

const DetectionOverride = z.strictObject({ enabled: z.boolean().optional(), sensitivity: Sensitivity.optional(), exclude: Exclude.optional() });

const Match = z
  .strictObject({
    actions: strings.optional(),
    text: strings.optional(),
    actors: strings.optional(),
    targets: strings.optional(),
    ips: z.array(ipOrCidr).min(1).optional(),
    countries: strings.optional(),
    sites: strings.optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), { message: 'needs at least one criterion (actions, text, actors, targets, ips, countries, sites)' });

const Policy = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (it becomes the id policy:<name>)'),
  title: nonEmpty.optional(),
  description: z.string().optional(),
  severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  enabled: z.boolean().default(true),
  match: Match,
  threshold: z.strictObject({ count: z.number().int().min(1).max(100_000), within: duration, groupBy: z.enum(['actor', 'ip', 'site']).default('actor') }).optional(),
  window: duration.optional(),
  runbook: z.string().optional(),
});

export const PolicyFileSchema = z.strictObject({
  sensitivity: Sensitivity.optional(),
  exclude: Exclude.optional(),
  defaultPolicies: z.boolean().optional(),
  detections: z.record(z.string(), DetectionOverride).optional(),
  policies: z.array(Policy).optional(),
});

/**
 * Checks across the file (duplicate policy names, unknown detection ids), run on the raw data so they are
 * reported together with shape errors, not only after those are fixed.
 */
function crossCheck(raw: unknown): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  if (!raw || typeof raw !== 'object') return out;
  const f = raw as { policies?: unknown; detections?: unknown; defaultPolicies?: unknown };
  const names = new Set<string>();
  if (Array.isArray(f.policies))
    f.policies.forEach((p: unknown, i) => {
      const name = p && typeof p === 'object' ? (p as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') return;
      if (names.has(name)) out.push({ path: ['policies', i, 'name'], message: `"${name}" is defined twice` });
      names.add(name);
    });
  if (f.defaultPolicies !== false) for (const p of DEFAULT_POLICY_PACK) names.add(p.name);
  const known = new Set([...BUILT_IN_IDS, ...[...names].map((n) => `policy:${n}`)]);
  if (f.detections && typeof f.detections === 'object')
    for (const id of Object.keys(f.detections))
      if (!known.has(id)) out.push({ path: ['detections', id], message: `unknown detection; use one of ${[...known].join(', ')}` });
  return out;
}
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

function toSpec(p: z.infer<typeof Policy>): PolicySpec {
  return {
    name: p.name,
    title: p.title ?? p.name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    ...(p.description ? { description: p.description } : {}),
    severity: p.severity,
    enabled: p.enabled,
    match: p.match,
    ...(p.threshold ? { threshold: { count: p.threshold.count, withinMs: p.threshold.within, groupBy: p.threshold.groupBy } } : {}),
    ...(p.window ? { windowMs: p.window } : {}),
    ...(p.runbook ? { runbook: p.runbook } : {}),
  };
}

/** Validated policy file → the engine's DetectionPolicy. */
export function toDetectionPolicy(f: PolicyFile): DetectionPolicy {
  const detections: DetectionPolicy['detections'] = {};
  for (const [id, o] of Object.entries(f.detections ?? {})) {
    detections[id] = {
      ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
      ...(o.sensitivity ? { sensitivity: o.sensitivity } : {}),
      ...(o.exclude?.users ? { excludeUsers: o.exclude.users } : {}),
      ...(o.exclude?.ips ? { excludeIps: o.exclude.ips } : {}),
      ...(o.exclude?.sites ? { excludeSites: o.exclude.sites } : {}),
    };
  }
  return {
    ...(f.sensitivity ? { sensitivity: f.sensitivity } : {}),
    ...(f.exclude ? { exclude: f.exclude } : {}),
    ...(f.defaultPolicies !== undefined ? { defaultPolicies: f.defaultPolicies } : {}),
    detections,
    policies: (f.policies ?? []).map(toSpec),
  };
}

/** Parse and validate policy text (YAML, or JSON — YAML is a superset). Every problem is reported with its path. */
export function parsePolicyText(text: string, source: string): DetectionPolicy {
  let data: unknown;
  try {
    data = source.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(`Policy file ${source} is not valid ${source.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = PolicyFileSchema.safeParse(data ?? {});
  const issues = [...(r.success ? [] : r.error.issues), ...crossCheck(data)];
  if (!r.success || issues.length > 0) {
    const lines = issues.map((i) => {
      const at = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(top level)';
      const code = (i as { code?: string }).code;
      const msg = code === 'unrecognized_keys' ? `unknown key(s) ${(i as { keys?: string[] }).keys?.join(', ')}` : i.message;
      return `  - ${at}: ${msg}`;
    });
    throw new ConfigError(`Policy file ${source} has ${lines.length} problem${lines.length > 1 ? 's' : ''}:\n${lines.join('\n')}`);
  }
  return toDetectionPolicy(r.data!);
}

/** Read VIGIL_POLICY_FILE. A missing or unreadable file is a ConfigError naming it. */
export async function loadPolicyFile(file: string): Promise<DetectionPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`VIGIL_POLICY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parsePolicyText(text, file);
}
