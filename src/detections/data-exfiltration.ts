import type { NormalizedEvent } from '../domain/index.js';
import { exportKind } from './lib/actions.js';
import { activity, duration, isSystemActor, iso, who } from './lib/event.js';
import { cappedList } from './lib/logins.js';
import { machineOf, whoWith } from './lib/machine.js';
import type { AlertDraft, Detection, Sensitivity } from './types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const BUCKET = 10 * MIN;
/** 10-minute buckets kept: 26 h (a day's window plus 2 h for late events). */
const RECENT_BUCKETS = 156;
/** Clock hours kept for the baseline: 31 days (30 days before the day judged, plus it). */
const BASELINE_HOURS = 31 * 24;
/** Export event ids kept for the card (the newest). */
export const MAX_IDS = 60;
/** A whole-space or whole-site export weighs as much as this many single exports. */
export const BULK_WEIGHT = 10;

/**
 * Per sensitivity: weighted exports in 60 minutes (burst) and in 24 hours (drip), whole-space/site exports in 24
 * hours, and the multiple of the actor's own busiest hour / day / bulk day that must be exceeded.
 */
export const EXFIL_LEVELS: Record<Sensitivity, { burst: number; drip: number; bulk: number; factor: number }> = {
  low: { burst: 40, drip: 100, bulk: 3, factor: 5 },
  medium: { burst: 20, drip: 40, bulk: 1, factor: 3 },
  high: { burst: 10, drip: 20, bulk: 1, factor: 2 },
};

/** [bucket or hour number, exports, of which whole-space/site exports] — sorted by the first. */
type Tally = [number, number, number];

interface ExfilState {
  /** 10-minute buckets of the last 26 hours. */
  r: Tally[];
  /** Clock hours of the last 31 days (the baseline). */
  h: Tally[];
  /** Newest export events: [time, id, what]. */
  e: Array<[number, string, string]>;
}

const weight = (t: Tally) => t[1] + t[2] * (BULK_WEIGHT - 1);

function add(list: Tally[], key: number, bulk: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]![0] > key) i--;
  const at = list[i - 1];
  if (at && at[0] === key) list[i - 1] = [key, at[1] + 1, at[2] + bulk];
  else list.splice(i, 0, [key, 1, bulk]);
}

/** Sum of weights and bulk counts of the tallies with keys in [from, to]. */
function sum(list: readonly Tally[], from: number, to: number): { w: number; n: number; bulk: number } {
  let w = 0;
  let n = 0;
  let bulk = 0;
  for (const t of list)
    if (t[0] >= from && t[0] <= to) {
      w += weight(t);
      n += t[1];
      bulk += t[2];
    }
  return { w, n, bulk };
}

/**
 * The actor's own baseline before hour `before` (30 days): the busiest two adjacent clock hours (a bound on any
 * 60-minute window), the busiest 24 consecutive hours, the busiest 24 hours of whole-space/site exports, and
 * all whole-space/site exports.
 */
export function baseline(hours: readonly Tally[], before: number): { hour: number; day: number; bulkDay: number; bulk: number } {
  const list = hours.filter((t) => t[0] < before && t[0] >= before - 30 * 24);
  let hour = 0;
  let day = 0;
  let bulkDay = 0;
  let bulk = 0;
  let lo = 0;
  let dayW = 0;
  let dayB = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    const prev = list[i - 1];
    hour = Math.max(hour, weight(t) + (prev && prev[0] === t[0] - 1 ? weight(prev) : 0));
    dayW += weight(t);
    dayB += t[2];
    bulk += t[2];
    while (list[lo]![0] <= t[0] - 24) {
      dayW -= weight(list[lo]!);
      dayB -= list[lo]![2];
      lo++;
    }
    day = Math.max(day, dayW);
    bulkDay = Math.max(bulkDay, dayB);
  }
  return { hour, day, bulkDay, bulk };
}

function record(s: ExfilState, e: NormalizedEvent, bulk: number): void {
  add(s.r, Math.floor(e.time / BUCKET), bulk);
  add(s.h, Math.floor(e.time / HOUR), bulk);
  let i = s.e.length;
  while (i > 0 && s.e[i - 1]![0] > e.time) i--;
  s.e.splice(i, 0, [e.time, e.id, activity(e)]);
  const newest = s.r[s.r.length - 1]![0];
  while (s.r.length && s.r[0]![0] < newest - RECENT_BUCKETS) s.r.shift();
  const newestHour = s.h[s.h.length - 1]![0];
  while (s.h.length && s.h[0]![0] < newestHour - BASELINE_HOURS) s.h.shift();
  const since = newest * BUCKET - RECENT_BUCKETS * BUCKET;
  while (s.e.length && (s.e[0]![0] < since || s.e.length > MAX_IDS)) s.e.shift();
}

interface Verdict {
  burst: { w: number; n: number; from: number };
  day: { w: number; n: number; bulk: number };
  base: ReturnType<typeof baseline>;
  hits: string[];
}

function judge(s: ExfilState, e: NormalizedEvent, level: Sensitivity): Verdict {
  const lv = EXFIL_LEVELS[level];
  const b = Math.floor(e.time / BUCKET);
  let burst = { w: 0, n: 0, from: b };
  for (let start = b - 5; start <= b; start++) {
    const x = sum(s.r, start, start + 5);
    if (x.w > burst.w) burst = { w: x.w, n: x.n, from: start };
  }
  const day = sum(s.r, b - 143, b);
  // One baseline for both windows: the 30 days before the day judged (a slow drip must not raise its own bar).
  const base = baseline(s.h, Math.floor((e.time - 24 * HOUR) / HOUR));
  const hits: string[] = [];
  if (day.bulk >= lv.bulk && (base.bulk === 0 || day.bulk > lv.factor * base.bulkDay))
    hits.push(`${day.bulk} whole-space/site export${day.bulk > 1 ? 's' : ''} in 24 h (${base.bulk === 0 ? 'none in the previous 30 days' : `busiest day before: ${base.bulkDay}`})`);
  if (burst.w >= lv.burst && burst.w > lv.factor * base.hour) hits.push(`burst: ${burst.n} exports in 60 min (busiest hour before: ${base.hour})`);
  if (day.w >= lv.drip && day.w > lv.factor * base.day) hits.push(`drip: ${day.n} exports in 24 h (busiest day before: ${base.day})`);
  return { burst, day, base, hits };
}

function draft(s: ExfilState, e: NormalizedEvent, v: Verdict): AlertDraft {
  const since = v.hits[0]!.startsWith('burst') ? v.burst.from * BUCKET : e.time - 24 * HOUR;
  const inWindow = s.e.filter((x) => x[0] >= since && x[0] <= e.time + BUCKET);
  const first = inWindow[0]?.[0] ?? e.time;
  const last = inWindow[inWindow.length - 1]?.[0] ?? e.time;
  const kinds = new Map<string, number>();
  for (const x of inWindow) kinds.set(x[2], (kinds.get(x[2]) ?? 0) + 1);
  const m = machineOf(e);
  const lead = v.hits[0]!.replace(/ \(.*$/, '');
  return {
    ...(m ? { groupKey: `${e.actor.id} ${m.key}` } : {}),
    title: `${whoWith(e)}: ${lead}`,
    summary: `${whoWith(e)}: ${v.hits.join('; ')}. Judged against their own 30-day baseline and the org's floor.`,
    evidence: [
      { label: 'Exports (60 min)', value: String(v.burst.n) },
      { label: 'Exports (24 h)', value: `${v.day.n}, of which whole-space/site: ${v.day.bulk}` },
      { label: 'Baseline (30 d)', value: `busiest hour ${v.base.hour}, busiest day ${v.base.day}, whole-space/site exports ${v.base.bulk} (weighted: a space/site counts ${BULK_WEIGHT})` },
      { label: 'Why', value: v.hits.join('; ') },
      { label: inWindow.length < v.day.n ? `What (newest ${inWindow.length})` : 'What', value: cappedList([...kinds].map(([k, n]) => `${k} ×${n}`), 6) },
      { label: 'When', value: `${iso(first)} → ${iso(last)} (${duration(last - first)})` },
      { label: 'From', value: `${e.location?.ip ?? 'unknown IP'}${m ? ` (${m.label})` : ''}` },
    ],
    facts: { exports60m: v.burst.n, exports24h: v.day.n, bulk24h: v.day.bulk, baseline: v.base, hits: v.hits, ...(m ? { machine: m.key } : {}), actor: who(e) },
    eventIds: inWindow.map((x) => x[1]).slice(-MAX_IDS),
    time: last,
    firstTime: first,
    event: e,
  };
}

/**
 * Data exfiltration by volume: exports, whole-space/site exports and attachment downloads per actor — per API
 * token or app when one was used, so a nightly backup token is its own normal — in 60 minutes (burst) and 24
 * hours (drip), each judged against the actor's own 30-day baseline and the org's floor (the thresholds).
 */
export const dataExfiltration: Detection<ExfilState> = {
  id: 'data-exfiltration',
  title: 'Data exfiltration by volume',
  severity: 'high',
  mitre: ['T1567', 'T1530', 'TA0010'],
  runbook:
    'Ask the actor (or the token’s owner) what the exports are for and where they went. If unexplained, suspend the user or revoke the token, and list the spaces and pages exported.',
  // As long as the drip window: an export within a day of the alert still counts the same volume, so it grows it.
  windowMs: 24 * HOUR,
  needsBaseline: true,
  // An account new to an org that has a baseline is not ignored for its first week: with no history of its own, its
  // exports meet the org's floor (the sensitivity's thresholds) and a first whole-space export stands out.
  newActors: 'org-baseline',
  accepts: (e) => exportKind(e) !== undefined && !isSystemActor(e),
  stateKey: (e) => machineOf(e)?.key,
  initialState: () => ({ r: [], h: [], e: [] }),
  cloneState: (s) => ({ r: s.r.slice(), h: s.h.slice(), e: s.e.slice() }),
  evaluate(event, raw, ctx) {
    const s = revive(raw);
    record(s, event, exportKind(event) === 'bulk' ? 1 : 0);
    const v = judge(s, event, ctx.settings.sensitivity);
    return v.hits.length ? [draft(s, event, v)] : [];
  },
};

const isTally = (t: unknown): t is Tally => Array.isArray(t) && t.length === 3 && t.every((x) => typeof x === 'number' && Number.isFinite(x));

/** A stored state, checked: malformed entries are dropped, the lists re-sorted and capped. */
function revive(raw: ExfilState): ExfilState {
  if (!raw || typeof raw !== 'object') return { r: [], h: [], e: [] };
  const sorted = (l: unknown, cap: number) => (Array.isArray(l) ? l.filter(isTally).sort((a, b) => a[0] - b[0]).slice(-cap) : []);
  if (!Array.isArray(raw.r) || !raw.r.every(isTally) || !Array.isArray(raw.h) || !raw.h.every(isTally) || !Array.isArray(raw.e)) {
    raw.r = sorted(raw.r, RECENT_BUCKETS + 1);
    raw.h = sorted(raw.h, BASELINE_HOURS + 1);
    raw.e = Array.isArray(raw.e) ? raw.e.filter((x) => Array.isArray(x) && typeof x[0] === 'number' && typeof x[1] === 'string').slice(-MAX_IDS) : [];
  }
  return raw;
}
