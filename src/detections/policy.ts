import type { NormalizedEvent, Severity } from '../domain/index.js';
import { activity, countryOf, duration, iso, targetsOf, where, who } from './lib/event.js';
import { densestWindow, insertSorted, pruneBefore } from './lib/window.js';
import type { Detection } from './types.js';

/** A custom activity policy (`policy:<name>`), as data. Criteria are ANDed; the values inside one are ORed. */
export interface PolicySpec {
  name: string;
  title: string;
  description?: string;
  severity: Severity;
  enabled: boolean;
  match: {
    /** Action keys or /event-actions display names; `*` is a wildcard; case-insensitive. */
    actions?: string[];
    /** Free text searched in the action key, display name and message. */
    text?: string[];
    /** Actor account ids or emails. */
    actors?: string[];
    /** Target (context) ids, emails or names. */
    targets?: string[];
    /** IPs/CIDRs; matched by `ipMatcher` (compiled at the edge), else exactly. */
    ips?: string[];
    ipMatcher?: (ip: string) => boolean;
    /** Country ISO codes or names. */
    countries?: string[];
    /** Site host names, names or ids. */
    sites?: string[];
  };
  /** Raise only when `count` matching events fall within `withinMs`, grouped by actor, IP or site. */
  threshold?: { count: number; withinMs: number; groupBy: 'actor' | 'ip' | 'site' };
  /** Dedup window (default 60 minutes). */
  windowMs?: number;
  runbook?: string;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

const lower = (xs: string[] | undefined) => xs?.map((x) => x.toLowerCase());

/** Compile the match block into one predicate (built once per policy). */
export function compileMatch(m: PolicySpec['match']): (e: NormalizedEvent) => boolean {
  const actions = m.actions?.map(globToRegExp);
  const text = lower(m.text);
  const actors = lower(m.actors);
  const targets = lower(m.targets);
  const countries = lower(m.countries);
  const sites = lower(m.sites);
  const ips = m.ips;
  // Action keys repeat endlessly: remember each key/display-name pair's verdict (bounded).
  const actionVerdicts = new Map<string, boolean>();
  const actionMatches = (e: NormalizedEvent): boolean => {
    if (!actions) return true;
    const key = e.actionName === undefined ? e.action : `${e.action}\u0000${e.actionName}`;
    let v = actionVerdicts.get(key);
    if (v === undefined) {
      v = actions.some((r) => r.test(e.action) || (e.actionName !== undefined && r.test(e.actionName)));
      if (actionVerdicts.size >= 10_000) actionVerdicts.clear();
      actionVerdicts.set(key, v);
    }
    return v;
  };
  return (e) => {
    if (!actionMatches(e)) return false;
    if (text) {
      const hay = `${e.action}\n${e.actionName ?? ''}\n${e.message ?? ''}`.toLowerCase();
      if (!text.some((t) => hay.includes(t))) return false;
    }
    if (actors && !actors.some((a) => a === e.actor.id.toLowerCase() || a === e.actor.email?.toLowerCase())) return false;
    if (targets && !e.targets.some((t) => [t.id, t.email, t.name].some((v) => v !== undefined && targets.includes(v.toLowerCase())))) return false;
    if (ips) {
      const ip = e.location?.ip;
      if (!ip || !(m.ipMatcher ? m.ipMatcher(ip) : ips.includes(ip))) return false;
    }
    if (countries) {
      const l = e.location;
      const have = [l?.countryCode, l?.countryName].filter((v): v is string => !!v).map((v) => v.toLowerCase());
      if (!have.some((c) => countries.includes(c))) return false;
    }
    if (sites) {
      const s = e.site;
      const have = [s?.host, s?.host?.replace(/^https?:\/\//, ''), s?.name, s?.id].filter((v): v is string => !!v).map((v) => v.toLowerCase());
      if (!have.some((x) => sites.includes(x))) return false;
    }
    return true;
  };
}

/** How late an event may be processed and still be counted into its time window. */
const LATE_MS = 6 * 3_600_000;

interface Hit {
  t: number;
  id: string;
}

function groupOf(e: NormalizedEvent, by: 'actor' | 'ip' | 'site'): string | undefined {
  if (by === 'ip') return e.location?.ip ? `ip:${e.location.ip}` : undefined;
  if (by === 'site') return e.site?.host || e.site?.id ? `site:${e.site.host ?? e.site.id}` : undefined;
  return undefined; // actor: the engine's per-actor state
}

/** Build the detection for one policy. Disabled policies still build (the settings resolver disables them). */
export function createPolicyDetection(spec: PolicySpec): Detection<{ hits: Hit[] }> {
  const matches = compileMatch(spec.match);
  const th = spec.threshold;
  const base = {
    id: `policy:${spec.name}`,
    title: spec.title,
    severity: spec.severity,
    mitre: [],
    runbook: spec.runbook ?? spec.description ?? `Review the activity matched by the "${spec.name}" policy with the actor.`,
    windowMs: spec.windowMs ?? (th ? Math.max(th.withinMs, 3_600_000) : 3_600_000),
    needsBaseline: false,
  };
  const describe = (e: NormalizedEvent) => [
    { label: 'Activity', value: `${activity(e)}${e.message ? ` — ${e.message}` : ''}` },
    { label: 'Actor', value: who(e) },
    ...(e.targets.length ? [{ label: 'Target', value: targetsOf(e).join(', ') }] : []),
    { label: 'From', value: `${e.location?.ip ?? 'unknown IP'} (${where(e)})` },
    ...(e.site?.host ? [{ label: 'Site', value: e.site.host }] : []),
  ];
  if (!th) {
    return {
      ...base,
      accepts: matches,
      evaluate: (e) => [
        {
          title: `${who(e)}: ${spec.title}`,
          summary: `${spec.title}: ${who(e)} — "${activity(e)}"${e.targets.length ? ` on ${targetsOf(e).join(', ')}` : ''} at ${iso(e.time)}.`,
          evidence: describe(e),
          facts: { policy: spec.name, action: e.action, country: countryOf(e) },
          eventIds: [e.id],
          time: e.time,
          event: e,
        },
      ],
    };
  }
  return {
    ...base,
    accepts: (e) => matches(e) && (th.groupBy === 'actor' || groupOf(e, th.groupBy) !== undefined),
    stateKey: (e) => groupOf(e, th.groupBy),
    initialState: () => ({ hits: [] }),
    cloneState: (s) => ({ hits: s.hits.slice() }),
    evaluate(e, state) {
      insertSorted(state.hits, { t: e.time, id: e.id });
      // Keep enough history for events processed hours late (LATE_MS) to still join their burst.
      pruneBefore(state.hits, state.hits[state.hits.length - 1]!.t - Math.max(2 * th.withinMs, LATE_MS), Math.max(200, th.count * 4));
      const burst = densestWindow(state.hits, e.time, th.withinMs);
      if (burst.length < th.count) return [];
      const first = burst[0]!;
      const last = burst[burst.length - 1]!;
      const group = groupOf(e, th.groupBy);
      return [
        {
          ...(group ? { groupKey: group } : {}),
          title: `${group ?? who(e)}: ${spec.title} (${burst.length} in ${duration(last.t - first.t)})`,
          summary: `${spec.title}: ${burst.length} matching activities by ${group ?? who(e)} between ${iso(first.t)} and ${iso(last.t)} (threshold ${th.count} in ${duration(th.withinMs)}).`,
          evidence: [{ label: 'Matching activities', value: `${burst.length} in ${duration(last.t - first.t)}` }, ...describe(e)],
          facts: { policy: spec.name, count: burst.length, groupBy: th.groupBy },
          eventIds: burst.map((h) => h.id),
          time: last.t,
          firstTime: first.t,
          event: e,
        },
      ];
    },
  };
}
