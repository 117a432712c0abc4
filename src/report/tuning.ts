import { isIP } from 'node:net';
import { IP_SUBJECT_PREFIX, type Alert, type DismissReason } from '../domain/index.js';
import { BUILT_IN_IDS } from '../detections/registry.js';
import type { Sensitivity } from '../detections/types.js';
import type { NoisyDetection, ReportItem, Tuning } from './model.js';

export interface TuningContext {
  /** The sensitivity a detection runs at now (VIGIL_SENSITIVITY and the policy file); absent: not known. */
  sensitivityOf?: (detection: string) => Sensitivity | undefined;
  /** VIGIL_POLICY_FILE, when one is set (the suggestion then names it). */
  policyFile?: string;
  /** A detection is noisy from this many alerts in the period (default 3)… */
  noisyMinAlerts?: number;
  /** …with at least this share dismissed as false positive or benign (default 0.5). */
  noisyMinShare?: number;
}

/** Dismissed as "not a threat": the reasons a tuning can remove (a duplicate or other is not noise of the rule). */
const NOISE: ReadonlySet<string> = new Set<DismissReason>(['false-positive', 'benign']);
/** Detections whose events carry the places that VIGIL_TRUSTED_NETWORKS (corporate egress, VPN) vouches for. */
const TRUSTABLE = new Set(['impossible-travel', 'infrequent-country', 'token-anomaly']);
/** Detections about an IP on a list: an exclusion of that IP for this detection alone is the narrow fix. */
const IP_LISTED = new Set(['anonymous-ip', 'suspicious-ip']);
/** What one step down in sensitivity changes (docs/detections.md); absent: the step changes nothing. */
const STEP_DOWN: Record<string, Partial<Record<Sensitivity, string>>> = {
  'impossible-travel': { high: 'medium ignores bordering countries and trips between usual places', medium: 'low skips trips between countries used in the last 30 days (≥ 1,000 km, > 1,500 km/h)' },
  'infrequent-country': { high: 'medium alerts on countries unused for 30 days, not 7', medium: 'low alerts only on countries no one in the org used in 30 days' },
  'failed-logins': { high: 'medium needs 10 failures in 10 minutes, not 5', medium: 'low needs 20 failures in 10 minutes' },
  'password-spray': { high: 'medium needs 10 accounts from one IP, not 5', medium: 'low needs 20 accounts from one IP' },
  'distributed-brute-force': { high: 'medium needs 10 networks, not 5', medium: 'low needs 20 networks' },
  'unusual-admin': { high: 'medium needs 2 admin actions in an hour, not 1', medium: 'low needs 4 admin actions in an hour' },
  'unusual-impersonation': { high: 'medium alerts only on a first impersonation in 30 days or a 3-user spree' },
  'token-anomaly': { high: 'medium ignores new networks of unpinned tokens and countries the owner uses', medium: 'low ignores networks and accepts countries the org uses' },
  'data-exfiltration': { high: 'medium needs 20 exports an hour / 40 a day, not 10 / 20', medium: 'low needs 40 an hour / 100 a day, 5× the actor’s own' },
};
const LOWER: Record<Sensitivity, Sensitivity | undefined> = { high: 'medium', medium: 'low', low: undefined };

/** IPs an alert names in its facts (ip, ips, from.ip, to.ip), valid addresses only (facts are free-form). */
export function ipsOf(a: Pick<Alert, 'facts'>): string[] {
  const f = a.facts as Record<string, unknown>;
  const nested = (v: unknown) => (v && typeof v === 'object' ? (v as { ip?: unknown }).ip : undefined);
  const raw = [f.ip, ...(Array.isArray(f.ips) ? f.ips : []), nested(f.from), nested(f.to)];
  return [...new Set(raw.filter((v): v is string => typeof v === 'string' && isIP(v) !== 0))];
}

/** Values shared by at least two noisy alerts, most shared first, at most `max`. */
function repeated(values: readonly string[][], max: number): string[] {
  const counts = new Map<string, number>();
  for (const vs of values) for (const v of new Set(vs)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .slice(0, max)
    .map(([v]) => v);
}

const yamlList = (vs: readonly string[]) => `[${vs.join(', ')}]`;

/** The concrete settings that would quiet `detection`, judged on its alerts dismissed as noise. */
export function tuningFor(detection: string, noise: readonly Alert[], ctx: TuningContext): Tuning[] {
  const out: Tuning[] = [];
  const inFile = (setting: string, value: string, why: string) => out.push({ where: 'policy-file', setting: `detections.${detection}.${setting}`, value, why });
  // The policy file accepts built-in ids and policies only (config/policy.ts); other sources cannot be tuned there.
  const tunable = BUILT_IN_IDS.includes(detection) || detection.startsWith('policy:');
  const ipSubjects = repeated(noise.filter((a) => a.actor.id.startsWith(IP_SUBJECT_PREFIX)).map((a) => [a.actor.id.slice(IP_SUBJECT_PREFIX.length)]), 5);
  const users = repeated(noise.filter((a) => !a.actor.id.startsWith(IP_SUBJECT_PREFIX)).map((a) => [a.actor.email ?? a.actor.id]), 5);
  const ips = repeated(noise.map(ipsOf), 5);
  if (tunable && ipSubjects.length > 0) inFile('exclude.ips', yamlList(ipSubjects), 'the same source IPs were dismissed again and again (e.g. an office NAT)');
  if (tunable && users.length > 0) inFile('exclude.users', yamlList(users), 'most dismissed alerts were about these users');
  if (ips.length > 0 && TRUSTABLE.has(detection))
    out.push({ where: 'env', setting: 'VIGIL_TRUSTED_NETWORKS', value: ips.join(','), why: 'if these are your egress or VPN addresses: never a new country, travel between two is trusted' });
  else if (tunable && ips.length > 0 && IP_LISTED.has(detection)) inFile('exclude.ips', yamlList(ips), 'the same listed IPs were dismissed again and again');
  const now = ctx.sensitivityOf?.(detection);
  const lower = now ? LOWER[now] : undefined;
  const step = now ? STEP_DOWN[detection]?.[now] : undefined;
  if (tunable && lower && step) inFile('sensitivity', lower, `now ${now}; ${step}`);
  if (tunable && out.length === 0) inFile('enabled', 'false', 'no narrower setting applies; turn it off if it never finds anything real');
  return out;
}

/** Detections with many alerts in the period and a high share dismissed as noise, each with its tuning. */
export function noisyDetections(items: readonly ReportItem[], ctx: TuningContext, reasonOf: (i: ReportItem) => string): NoisyDetection[] {
  const min = ctx.noisyMinAlerts ?? 3;
  const minShare = ctx.noisyMinShare ?? 0.5;
  const byDetection = new Map<string, ReportItem[]>();
  for (const i of items) byDetection.set(i.alert.detection, [...(byDetection.get(i.alert.detection) ?? []), i]);
  const out: NoisyDetection[] = [];
  for (const [detection, list] of byDetection) {
    const noise = list.filter((i) => i.alert.status === 'dismissed' && NOISE.has(reasonOf(i))).map((i) => i.alert);
    const share = noise.length / list.length;
    if (list.length < min || share < minShare) continue;
    out.push({ detection, alerts: list.length, noise: noise.length, share, tuning: tuningFor(detection, noise, ctx) });
  }
  return out.sort((x, y) => y.noise - x.noise || x.detection.localeCompare(y.detection));
}
