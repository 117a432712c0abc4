import type { Alert, NormalizedEvent } from '../domain/index.js';
import { countryOf, isInteractive } from './lib/event.js';
import { stableId } from './lib/hash.js';
import {
  MAX_ACTOR_COUNTRIES,
  MAX_ORG_COUNTRIES,
  applyChanges,
  copyOrgDays,
  dict,
  touchCapped,
  type ActorRecord,
  type EngineState,
  type KeyedRecord,
  type OpenAlert,
  type OrgRecord,
  type StateChanges,
} from './state.js';
import type { AlertDraft, AnyDetection, DetectionContext, DetectionSettings } from './types.js';

export * from './state.js';

const DAY = 86_400_000;
export const LEARNING_MS = 7 * DAY;
export const BASELINE_MS = 30 * DAY;
const MAX_EVENT_IDS = 100;
/** How long open alerts and an idle actor's baseline are kept after their last event. */
export const KEEP_MS = BASELINE_MS + DAY;

export interface EngineOptions {
  detections: readonly AnyDetection[];
  /** Settings per detection id (see createSettingsResolver). */
  settings: (detectionId: string) => DetectionSettings;
}

export interface BatchResult {
  /** New or grown alerts (full objects), in the order they changed. */
  alerts: Alert[];
  /** The org record and every actor and keyed record the batch changed. */
  changes: StateChanges;
}

export interface RunResult extends BatchResult {
  state: EngineState;
}

/** The state slots `${detection}\0${key}` a batch of events needs loaded (keyed detections only). */
export function keyedSlots(events: readonly NormalizedEvent[], opts: EngineOptions): Set<string> {
  const slots = new Set<string>();
  for (const det of opts.detections) {
    if (!det.stateKey || !det.initialState) continue;
    for (const e of events) {
      if (!det.accepts(e)) continue;
      const key = det.stateKey(e);
      if (key !== undefined) slots.add(`${det.id}\u0000${key}`);
    }
  }
  return slots;
}

function excluded(draft: AlertDraft, s: DetectionSettings): boolean {
  const a = draft.event.actor;
  const email = a.email?.toLowerCase();
  if (s.excludeUsers.some((u) => u === a.id || u.toLowerCase() === email)) return true;
  const site = draft.event.site;
  if (site && s.excludeSites.some((x) => x === site.host || x === site.id || x === site.name || (site.host && site.host.replace(/^https?:\/\//, '') === x)))
    return true;
  if (s.excludeIps.length === 0) return false;
  const ips = draft.ips ?? (draft.event.location?.ip ? [draft.event.location.ip] : []);
  return ips.some((ip) => (s.excludeIp ? s.excludeIp(ip) : s.excludeIps.includes(ip)));
}

const copyActor = (a: ActorRecord): ActorRecord => ({ first: a.first, last: a.last, countries: dict(a.countries), d: dict(a.d), open: dict(a.open) });

/**
 * Run a batch of events through every enabled detection. Pure: `prior` is never modified (records are copied on
 * first write), so the same events and state always give the same alerts and changes. Events are taken in the
 * order given (callers sort by time); late events are placed by their own time by each detection.
 * `inPlace`: the caller gives `prior` up (replay keeps one state for a whole file), so records are changed where
 * they are instead of copied on first write — same alerts and changes, without a copy of every actor per batch.
 */
export function evaluateBatch(events: readonly NormalizedEvent[], prior: EngineState, opts: EngineOptions, mode: { inPlace?: boolean } = {}): BatchResult {
  const org = { ...prior.org, countries: dict(prior.org.countries), days: copyOrgDays(prior.org.days) };
  const noDays = Object.freeze(dict<number>());
  const actors = new Map<string, ActorRecord>();
  const keyed = new Map<string, KeyedRecord>();
  /** Detection state objects created or copied in this batch (so they may be changed in place). */
  const owned = new WeakSet<object>();
  const changed = new Map<string, Alert>();

  const actorRecord = (id: string, time: number): ActorRecord => {
    let rec = actors.get(id);
    if (rec) return rec;
    const prev = prior.actors.get(id);
    rec = prev ? (mode.inPlace ? prev : copyActor(prev)) : { first: time, last: time, countries: dict(), d: dict(), open: dict() };
    // An actor idle for the whole baseline starts a new one (its `first` stays: learning is once per actor).
    if (prev && prev.last < org.now - KEEP_MS) Object.assign(rec, { countries: dict(), d: dict(), open: dict() });
    actors.set(id, rec);
    return rec;
  };
  const keyedRecord = (slot: string): KeyedRecord => {
    let rec = keyed.get(slot);
    if (!rec) keyed.set(slot, (rec = (mode.inPlace && prior.keyed.get(slot)) || { ...prior.keyed.get(slot) }));
    return rec;
  };
  const own = (det: AnyDetection, s: unknown): unknown => {
    if (s === undefined) s = det.initialState!();
    else if (mode.inPlace || (typeof s === 'object' && s !== null && owned.has(s))) return s;
    else s = det.cloneState ? det.cloneState(s) : structuredClone(s);
    if (typeof s === 'object' && s !== null) owned.add(s);
    return s;
  };
  const openSlot = (det: AnyDetection, draft: AlertDraft, rec: ActorRecord) =>
    draft.groupKey === undefined
      ? { get: () => rec.open[det.id], set: (o: OpenAlert) => (rec.open[det.id] = o) }
      : ((k: KeyedRecord) => ({ get: () => k.open, set: (o: OpenAlert) => (k.open = o) }))(keyedRecord(`${det.id}\u0000${draft.groupKey}`));

  for (const event of events) {
    if (event.time > org.now) org.now = event.time;
    if (org.first === undefined || event.time < org.first) org.first = event.time;
    const rec = actorRecord(event.actor.id, event.time);
    if (event.time < rec.first) rec.first = event.time;
    if (event.time > rec.last) rec.last = event.time;
    const orgLearning = event.time - org.first < LEARNING_MS;
    const newActor = !orgLearning && event.time - rec.first < LEARNING_MS;
    const learning = orgLearning || newActor;
    // One context per event; only `settings` and `orgDays` change between detections (detections never keep it).
    const ctx: DetectionContext = {
      settings: undefined as unknown as DetectionSettings,
      learning,
      newActor,
      actorFirst: rec.first,
      orgDays: noDays,
      userCountries: rec.countries,
      orgCountries: org.countries,
    };

    for (const det of opts.detections) {
      if (!det.accepts(event)) continue;
      const settings = opts.settings(det.id);
      if (!settings.enabled) continue;
      let detState: unknown;
      if (det.initialState) {
        const key = det.stateKey?.(event);
        if (key === undefined) detState = rec.d[det.id] = own(det, rec.d[det.id]);
        else {
          const k = keyedRecord(`${det.id}\u0000${key}`);
          detState = k.s = own(det, k.s);
        }
      }
      ctx.settings = settings;
      ctx.orgDays = det.newActors ? (org.days[det.id] ??= dict()) : noDays;
      const drafts = det.evaluate(event, detState, ctx);
      if (det.needsBaseline && learning && !(newActor && det.newActors === 'org-baseline')) continue;
      for (const draft of drafts) {
        if (excluded(draft, settings)) continue;
        const alert = mergeDraft(det, draft, openSlot(det, draft, rec), changed);
        if (alert) changed.set(alert.id, alert);
      }
    }
    const country = countryOf(event);
    if (country && isInteractive(event)) {
      touchCapped(rec.countries, country, event.time, MAX_ACTOR_COUNTRIES);
      touchCapped(org.countries, country, event.time, MAX_ORG_COUNTRIES);
    }
  }
  prune(org.now - KEEP_MS, org, actors, keyed);
  dropUntouchedKeyed(keyed, prior, opts);
  return { alerts: [...changed.values()], changes: { org, actors, keyed } };
}

/**
 * A keyed slot the batch created but left as its detection's initial state (e.g. a successful sign-in from an IP
 * password-spray does not track) is not a change: writing it would cost a store row per sign-in IP for nothing.
 */
function dropUntouchedKeyed(keyed: Map<string, KeyedRecord>, prior: EngineState, opts: EngineOptions): void {
  const initial = new Map<string, string>();
  for (const [slot, rec] of keyed) {
    if (prior.keyed.has(slot) || rec.open !== undefined) continue;
    const id = slot.slice(0, slot.indexOf('\u0000'));
    let empty = initial.get(id);
    if (empty === undefined) {
      const det = opts.detections.find((d) => d.id === id);
      empty = det?.initialState ? JSON.stringify(det.initialState()) : '';
      initial.set(id, empty);
    }
    if (rec.s === undefined || JSON.stringify(rec.s) === empty) keyed.delete(slot);
  }
}

/** `evaluateBatch` with the changes applied to a copy of `prior` (tests and small callers). */
export function runDetections(events: readonly NormalizedEvent[], prior: EngineState, opts: EngineOptions): RunResult {
  const r = evaluateBatch(events, prior, opts);
  const state: EngineState = { version: 3, org: prior.org, actors: new Map(prior.actors), keyed: new Map(prior.keyed) };
  applyChanges(state, r.changes);
  return { ...r, state };
}

/** Forget what no baseline needs any more, in the records this batch touched: old countries and open alerts. */
function prune(horizon: number, org: OrgRecord, actors: Map<string, ActorRecord>, keyed: Map<string, KeyedRecord>): void {
  for (const c in org.countries) if (org.countries[c]! < horizon) delete org.countries[c];
  for (const id in org.days) for (const d in org.days[id]) if ((Number(d) + 1) * DAY < horizon) delete org.days[id]![d];
  for (const rec of actors.values()) {
    for (const c in rec.countries) if (rec.countries[c]! < horizon) delete rec.countries[c];
    for (const d in rec.open) if (rec.open[d]!.lastSeen < horizon) delete rec.open[d];
  }
  for (const rec of keyed.values()) if (rec.open && rec.open.lastSeen < horizon) delete rec.open;
}

/** Open a new alert or grow the open one; undefined when the draft adds nothing (all its events already counted). */
function mergeDraft(det: AnyDetection, draft: AlertDraft, slot: { get(): OpenAlert | undefined; set(o: OpenAlert): void }, changed: Map<string, Alert>): Alert | undefined {
  const group = draft.groupKey ?? draft.event.actor.id;
  const first = draft.firstTime ?? draft.time;
  let open = slot.get();
  if (!open || draft.time > open.lastSeen + det.windowMs || first < open.firstSeen - det.windowMs) {
    open = { alertId: stableId(det.id, group, first), firstSeen: first, lastSeen: draft.time, count: 0, revision: 0, eventIds: [] };
  }
  const ids = new Set(open.eventIds);
  let added = 0;
  for (const id of draft.eventIds) {
    if (!ids.has(id)) {
      ids.add(id);
      added++;
    }
  }
  if (added === 0 && open.revision > 0) return undefined;
  open = {
    ...open,
    firstSeen: Math.min(open.firstSeen, first),
    lastSeen: Math.max(open.lastSeen, draft.time),
    count: open.count + added,
    revision: open.revision + 1,
    eventIds: [...ids].slice(-MAX_EVENT_IDS),
  };
  slot.set(open);
  const previous = changed.get(open.alertId);
  return {
    id: open.alertId,
    detection: det.id,
    severity: draft.severity ?? det.severity,
    title: draft.title,
    summary: draft.summary,
    actor: draft.event.actor,
    eventIds: open.eventIds,
    count: open.count,
    firstSeen: open.firstSeen,
    lastSeen: open.lastSeen,
    evidence: draft.evidence,
    facts: { ...(previous?.facts ?? {}), ...(draft.facts ?? {}) },
    runbook: det.runbook,
    mitre: det.mitre,
    status: 'open',
    revision: open.revision,
  };
}
