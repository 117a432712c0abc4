import type { NormalizedEvent } from '../domain/index.js';
import { isTokenCreation } from './lib/actions.js';
import { activity, countryOf, duration, iso, isSystemActor, where, who } from './lib/event.js';
import { machineOf, type Machine } from './lib/machine.js';
import { daysUsed, networkOf, recordPlace, revivePlaces, type PlaceDays } from './lib/places.js';
import { dict, touchCapped, type Dict } from './state.js';
import type { AlertDraft, Detection, DetectionContext, Sensitivity } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Tokens and apps kept per owner (least recently used goes); countries per token. */
export const MAX_TOKENS = 8;
export const MAX_TOKEN_COUNTRIES = 16;
/** Creations remembered per actor, and for how long a creation is linked to a token's first use. */
export const MAX_CREATIONS = 5;
export const CREATION_LINK_MS = 7 * DAY;
const BASELINE_MS = 30 * DAY;

/** One token's (or app's) baseline: where and when it is used, and how much. */
export interface TokenBaseline {
  /** First and last use. */
  f: number;
  l: number;
  /** Country → last use (at most MAX_TOKEN_COUNTRIES). */
  c: Dict<number>;
  /** Network (IPv4 /24, IPv6 /48) → [last day, 31-day bitmask] (see lib/places.ts; capped). */
  n: PlaceDays;
  /** UTC hours of day used (bit h), last 30 days' worth of learning. */
  h: number;
  /** Uses on the current UTC day: [day, count], and the busiest day seen. */
  v: [number, number, number];
  /** Total uses (capped at 1e9). */
  u: number;
}

interface Creation {
  t: number;
  id: string;
  what: string;
  where: string;
}

interface TokenState {
  /** Machine key → baseline. */
  t: Dict<TokenBaseline>;
  /** Recent API token / key creations by this actor. */
  k: Creation[];
}

/**
 * Per sensitivity: whether a new network alerts and for which tokens, and how a country counts as known.
 * `pinnedNets`: a token whose whole baseline is at most this many networks, used on `pinnedDays` days or more,
 * is pinned (an automation job); a new network alerts only for pinned tokens (high: for any token with a
 * baseline). A country new to an established token is accepted when its owner used it interactively in 30 days
 * (`ownerCountries`; high does not), and at low also when anyone in the org did (`orgCountries`).
 */
export const TOKEN_LEVELS: Record<
  Sensitivity,
  { pinnedNets: number; pinnedDays: number; anyNewNetwork: boolean; orgCountries: boolean; ownerCountries: boolean; minUses: number }
> = {
  low: { pinnedNets: 0, pinnedDays: 7, anyNewNetwork: false, orgCountries: true, ownerCountries: true, minUses: 10 },
  medium: { pinnedNets: 1, pinnedDays: 5, anyNewNetwork: false, orgCountries: false, ownerCountries: true, minUses: 3 },
  high: { pinnedNets: 2, pinnedDays: 3, anyNewNetwork: true, orgCountries: false, ownerCountries: false, minUses: 1 },
};

const dayOf = (t: number) => Math.floor(t / DAY);

function learn(b: TokenBaseline, e: NormalizedEvent, cc: string | undefined, net: string | undefined): void {
  b.f = Math.min(b.f, e.time);
  b.l = Math.max(b.l, e.time);
  if (cc) touchCapped(b.c, cc, e.time, MAX_TOKEN_COUNTRIES);
  if (net) recordPlace(b.n, net, e.time);
  b.h |= 1 << new Date(e.time).getUTCHours();
  const d = dayOf(e.time);
  if (d > b.v[0]) b.v = [d, 1, Math.max(b.v[2], b.v[1])];
  else if (d === b.v[0]) b.v = [d, b.v[1] + 1, b.v[2]];
  b.u = Math.min(1e9, b.u + 1);
}

function remember(s: TokenState, key: string, b: TokenBaseline): void {
  s.t[key] = b;
  const keys = Object.keys(s.t);
  if (keys.length <= MAX_TOKENS) return;
  let oldest = keys[0]!;
  for (const k of keys) if (s.t[k]!.l < s.t[oldest]!.l) oldest = k;
  delete s.t[oldest];
}

/** "02–05, 14 UTC" from a 24-bit hour mask. */
export function hoursText(mask: number): string {
  const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => mask & (1 << h));
  if (hours.length === 0) return 'none';
  if (hours.length === 24) return 'all day';
  const runs: string[] = [];
  for (let i = 0; i < hours.length; i++) {
    let j = i;
    while (j + 1 < hours.length && hours[j + 1] === hours[j]! + 1) j++;
    const pad = (h: number) => String(h).padStart(2, '0');
    runs.push(i === j ? pad(hours[i]!) : `${pad(hours[i]!)}–${pad(hours[j]!)}`);
    i = j;
  }
  return `${runs.join(', ')} UTC`;
}

/** Countries the owner (or, for an app or an owner never seen interactively, the org) used in the last 30 days. */
function ownerKnows(cc: string, e: NormalizedEvent, m: Machine, ctx: DetectionContext, withOrg: boolean): boolean {
  const horizon = e.time - BASELINE_MS;
  const used = (c: Readonly<Record<string, number>>) => (c[cc] ?? -Infinity) >= horizon;
  const ownerSeen = m.kind === 'token' && Object.keys(ctx.userCountries).length > 0;
  if (ownerSeen ? used(ctx.userCountries) : used(ctx.orgCountries)) return true;
  return withOrg && used(ctx.orgCountries);
}

/** The most recent creation within the link window before `t`, preferring one that names the token. */
function creationFor(s: TokenState, e: NormalizedEvent): Creation | undefined {
  const label = e.actor.token?.label?.trim().toLowerCase();
  const recent = s.k.filter((c) => c.t <= e.time && c.t >= e.time - CREATION_LINK_MS).sort((a, b) => b.t - a.t);
  return (label ? recent.find((c) => c.what.toLowerCase().includes(label)) : undefined) ?? recent[0];
}

interface Finding {
  why: string;
  created?: Creation;
}

/** What is new about this use, per the sensitivity; undefined when nothing alerts. */
function judge(s: TokenState, b: TokenBaseline | undefined, e: NormalizedEvent, m: Machine, ctx: DetectionContext): Finding | undefined {
  const lv = TOKEN_LEVELS[ctx.settings.sensitivity];
  const cc = countryOf(e);
  const net = networkOf(e.location?.ip);
  if (!b) {
    // First use of a token: from a country its creator (owner) never used?
    const created = m.kind === 'token' ? creationFor(s, e) : undefined;
    if (!cc || ownerKnows(cc, e, m, ctx, lv.orgCountries || (!created && ctx.settings.sensitivity !== 'high'))) return undefined;
    const creator = created ? 'its creator' : m.kind === 'token' ? 'its owner' : 'anyone in the org';
    return { why: `first use of a new ${m.kind === 'token' ? 'token' : 'app'} from ${where(e)}, a country ${creator} never used`, ...(created ? { created } : {}) };
  }
  if (b.u < lv.minUses) return undefined;
  if (cc && !(cc in b.c) && !(lv.ownerCountries && ownerKnows(cc, e, m, ctx, lv.orgCountries))) return { why: `used from ${where(e)}, a country it never used` };
  if (!net || net in b.n) return undefined;
  // A new network where the owner works (their laptop running the job once) is theirs to explain only at high.
  if (lv.ownerCountries && cc && ownerKnows(cc, e, m, ctx, false)) return undefined;
  const nets = Object.keys(b.n);
  const pinned = nets.length > 0 && nets.length <= lv.pinnedNets && nets.some((k) => daysUsed(b.n, k, e.time) >= lv.pinnedDays);
  if (!pinned && !lv.anyNewNetwork) return undefined;
  return { why: `used from network ${net}${cc && !(cc in b.c) ? ` in a new country (${where(e)})` : ''}, which it never used${pinned ? ` (it always ran from ${nets.join(', ')})` : ''}` };
}

function draft(e: NormalizedEvent, m: Machine, b: TokenBaseline | undefined, f: Finding): AlertDraft {
  const ip = e.location?.ip ?? 'unknown IP';
  const nets = b ? Object.keys(b.n) : [];
  const evidence = [
    { label: m.kind === 'token' ? 'API token' : 'App', value: m.label },
    { label: 'Owner', value: who(e) },
    { label: 'From', value: `${ip} (${networkOf(e.location?.ip) ?? 'no network'}), ${where(e)}` },
    { label: 'Activity', value: activity(e) },
    { label: 'Countries used', value: b ? Object.keys(b.c).join(', ') || 'none recorded' : 'none: first use' },
    { label: 'Networks used', value: b ? `${nets.slice(0, 4).join(', ')}${nets.length > 4 ? ` (+${nets.length - 4})` : ''}` || 'none recorded' : 'none: first use' },
  ];
  if (b) evidence.push({ label: 'Usual hours / volume', value: `${hoursText(b.h)}; busiest day ${Math.max(b.v[1], b.v[2])} uses, ${b.u} in all since ${iso(b.f)}` });
  if (f.created)
    evidence.push({ label: 'Created', value: `${f.created.what} at ${iso(f.created.t)} from ${f.created.where}, ${duration(e.time - f.created.t)} before this first use` });
  return {
    groupKey: `${e.actor.id} ${m.key}`,
    title: `${who(e)}: ${m.label} — ${f.why}`,
    summary: `${m.label} of ${who(e)}: ${f.why}. Activity: "${activity(e)}" from ${ip}.`,
    evidence,
    facts: { machine: m.key, ip, country: countryOf(e), why: f.why, ...(f.created ? { createdEventId: f.created.id, createdAt: f.created.t } : {}) },
    eventIds: f.created ? [f.created.id, e.id] : [e.id],
    time: e.time,
    ...(f.created ? { firstTime: f.created.t } : {}),
    event: e,
  };
}

/**
 * API tokens, apps and AI agents as actors of their own: each gets a baseline keyed by token id / app (countries,
 * networks, hours, volume) kept in its owner's state, and alerts when used from a country or (for a pinned
 * automation token) a network it never used, or when a new token is first used from a country its creator never
 * used — linked to the token's creation event when that was seen.
 */
export const tokenAnomaly: Detection<TokenState> = {
  id: 'token-anomaly',
  title: 'API token or app used from a new place',
  severity: 'high',
  mitre: ['T1528', 'T1550.001', 'T1078.004'],
  runbook:
    'Ask the owner whether they (or their automation) used the token from there. If not, revoke the token at id.atlassian.com (or uninstall the app), require re-sign-in, and review what the token did since it was created.',
  windowMs: 24 * HOUR,
  needsBaseline: true,
  accepts: (e) => (machineOf(e) !== undefined && !!e.location) || (isTokenCreation(e) && !isSystemActor(e)),
  initialState: () => ({ t: dict(), k: [] }),
  cloneState: (s) => ({ t: dict(s.t), k: s.k.slice() }),
  evaluate(event, raw, ctx) {
    const s = revive(raw);
    const m = machineOf(event);
    if (!m) {
      s.k = [...s.k.filter((c) => c.t >= event.time - CREATION_LINK_MS && c.id !== event.id), creationOf(event)].sort((a, b) => a.t - b.t).slice(-MAX_CREATIONS);
      return [];
    }
    const prev = s.t[m.key];
    const cc = countryOf(event);
    const net = networkOf(event.location?.ip);
    const finding = event.intel?.trusted ? undefined : judge(s, prev, event, m, ctx);
    const b: TokenBaseline = prev ? { ...prev, c: dict(prev.c), n: dict(prev.n), v: [...prev.v] } : { f: event.time, l: event.time, c: dict(), n: dict(), h: 0, v: [dayOf(event.time), 0, 0], u: 0 };
    learn(b, event, cc, net);
    remember(s, m.key, b);
    return finding ? [draft(event, m, prev, finding)] : [];
  },
};

function creationOf(e: NormalizedEvent): Creation {
  const named = [e.message, ...e.targets.map((t) => t.name ?? t.id)].filter(Boolean).join(' ').slice(0, 200);
  return { t: e.time, id: e.id, what: named ? `${activity(e)}: ${named}` : activity(e), where: `${where(e)}${e.location?.ip ? ` (${e.location.ip})` : ''}` };
}

/** A stored state, checked (a JSON round trip gives plain objects; a hostile store anything). */
function revive(raw: TokenState): TokenState {
  if (raw && typeof raw === 'object' && Object.getPrototypeOf(raw.t) === null && Array.isArray(raw.k)) return raw;
  const t = dict<TokenBaseline>();
  const src = raw && typeof raw === 'object' && raw.t && typeof raw.t === 'object' ? raw.t : {};
  for (const [k, v] of Object.entries(src).slice(0, MAX_TOKENS)) {
    const b = v as Partial<TokenBaseline>;
    if (typeof b?.f !== 'number' || typeof b.l !== 'number' || !Array.isArray(b.v) || b.v.length !== 3) continue;
    const c = dict<number>();
    for (const [cc, last] of Object.entries(b.c ?? {})) if (typeof last === 'number') c[cc] = last;
    t[k] = { f: b.f, l: b.l, c, n: revivePlaces(b.n), h: typeof b.h === 'number' ? b.h & 0xffffff : 0, v: b.v.map(Number) as [number, number, number], u: Number(b.u) || 0 };
  }
  const k = Array.isArray(raw?.k) ? raw.k.filter((c) => c && typeof c.t === 'number' && typeof c.id === 'string').slice(-MAX_CREATIONS) : [];
  if (!raw || typeof raw !== 'object') return { t, k };
  return Object.assign(raw, { t, k });
}
