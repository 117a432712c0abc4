import type { Alert, NormalizedEvent } from '../domain/index.js';
import { countryOf, isInteractive } from './lib/event.js';
import { stableId } from './lib/hash.js';
import type { AlertDraft, AnyDetection, DetectionContext, DetectionSettings } from './types.js';

const DAY = 86_400_000;
export const LEARNING_MS = 7 * DAY;
export const BASELINE_MS = 30 * DAY;
const MAX_EVENT_IDS = 100;
/** How long open alerts and stale per-user state are kept after their last event. */
const KEEP_MS = BASELINE_MS + DAY;

/** An open (still growing) alert, kept in engine state so later events extend it. */
export interface OpenAlert {
  alertId: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  revision: number;
  eventIds: string[];
}

/** Per actor: first and last activity (learning), countries used interactively, each detection's state. */
export interface UserRecord {
  first: number;
  last: number;
  countries: Record<string, number>;
  d: Record<string, unknown>;
}

/** Engine state: plain JSON, persisted with the sweep checkpoint. */
export interface EngineState {
  version: 2;
  /** Engine clock: newest event time seen. */
  now: number;
  orgFirstSeen?: number;
  users: Record<string, UserRecord>;
  /** State of detections keyed other than by actor (e.g. policies grouped by IP): `${detection}\0${key}`. */
  keyed: Record<string, unknown>;
  /** Org-wide country usage: country → latest time (ms). */
  orgCountries: Record<string, number>;
  /** detection id + group key → open alert. */
  open: Record<string, OpenAlert>;
  /** Engine time of the last sweep over stale state. */
  prunedAt: number;
}

export interface EngineOptions {
  detections: readonly AnyDetection[];
  /** Settings per detection id (see createSettingsResolver). */
  settings: (detectionId: string) => DetectionSettings;
}

export interface RunResult {
  /** New or grown alerts (full objects), in the order they changed. */
  alerts: Alert[];
  state: EngineState;
}

export function initialEngineState(): EngineState {
  return { version: 2, now: 0, users: {}, keyed: {}, orgCountries: {}, open: {}, prunedAt: 0 };
}

/** Accept a persisted state only if it has the expected shape; otherwise undefined (the caller starts fresh and logs it). */
export function reviveEngineState(raw: unknown): EngineState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const s = raw as Partial<EngineState>;
  const isObj = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  if (s.version !== 2 || typeof s.now !== 'number' || !isObj(s.users) || !isObj(s.keyed) || !isObj(s.open) || !isObj(s.orgCountries)) return undefined;
  return { ...initialEngineState(), ...s } as EngineState;
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

/**
 * Run events through every enabled detection. Pure: `prior` is never modified (state is copied on write, per
 * actor and detection), so the same events and state always give the same alerts and state. Events are taken
 * in the order given (callers sort by time); late events are placed by their own time by each detection.
 */
export function runDetections(events: readonly NormalizedEvent[], prior: EngineState, opts: EngineOptions): RunResult {
  const state: EngineState = {
    ...prior,
    users: { ...prior.users },
    keyed: { ...prior.keyed },
    orgCountries: { ...prior.orgCountries },
    open: { ...prior.open },
  };
  /** Records copied (or created) in this run, by actor id. */
  const ownedUsers = new Map<string, UserRecord>();
  /** State objects created or copied in this run (so they may be changed in place). */
  const owned = new WeakSet<object>();
  const changed = new Map<string, Alert>();

  const userRecord = (id: string, time: number): UserRecord => {
    let rec = ownedUsers.get(id);
    if (rec) return rec;
    const prev = state.users[id];
    rec = prev ? { ...prev, countries: { ...prev.countries }, d: { ...prev.d } } : { first: time, last: time, countries: {}, d: {} };
    state.users[id] = rec;
    ownedUsers.set(id, rec);
    return rec;
  };
  const own = (det: AnyDetection, store: Record<string, unknown>, slot: string): unknown => {
    let s = store[slot];
    if (s === undefined) s = det.initialState!();
    else if (typeof s === 'object' && s !== null && owned.has(s)) return s;
    else s = det.cloneState ? det.cloneState(s) : structuredClone(s);
    if (typeof s === 'object' && s !== null) owned.add(s);
    store[slot] = s;
    return s;
  };

  for (const event of events) {
    if (event.time > state.now) state.now = event.time;
    if (state.orgFirstSeen === undefined || event.time < state.orgFirstSeen) state.orgFirstSeen = event.time;
    const rec = userRecord(event.actor.id, event.time);
    if (event.time < rec.first) rec.first = event.time;
    if (event.time > rec.last) rec.last = event.time;
    const learning = event.time - state.orgFirstSeen < LEARNING_MS || event.time - rec.first < LEARNING_MS;
    // One context per event; only `settings` changes between detections (detections never keep it).
    const ctx: DetectionContext = { settings: undefined as unknown as DetectionSettings, learning, userCountries: rec.countries, orgCountries: state.orgCountries };

    for (const det of opts.detections) {
      if (!det.accepts(event)) continue;
      const settings = opts.settings(det.id);
      if (!settings.enabled) continue;
      let detState: unknown;
      if (det.initialState) {
        const key = det.stateKey?.(event);
        detState = key === undefined ? own(det, rec.d, det.id) : own(det, state.keyed, `${det.id}\u0000${key}`);
      }
      ctx.settings = settings;
      const drafts = det.evaluate(event, detState, ctx);
      if (det.needsBaseline && learning) continue;
      for (const draft of drafts) {
        if (excluded(draft, settings)) continue;
        const alert = mergeDraft(det, draft, state, changed);
        if (alert) changed.set(alert.id, alert);
      }
    }
    const country = countryOf(event);
    if (country && isInteractive(event)) {
      if ((rec.countries[country] ?? 0) < event.time) rec.countries[country] = event.time;
      if ((state.orgCountries[country] ?? 0) < event.time) state.orgCountries[country] = event.time;
    }
  }
  prune(state, ownedUsers);
  return { alerts: [...changed.values()], state };
}

/** Forget what no baseline needs any more: old countries and open alerts; once a day, stale users' detection state. */
function prune(state: EngineState, ownedUsers: Map<string, UserRecord>): void {
  const horizon = state.now - KEEP_MS;
  for (const [k, o] of Object.entries(state.open)) if (o.lastSeen < horizon) delete state.open[k];
  for (const [c, t] of Object.entries(state.orgCountries)) if (t < horizon) delete state.orgCountries[c];
  for (const rec of ownedUsers.values()) {
    for (const [c, t] of Object.entries(rec.countries)) if (t < horizon) delete rec.countries[c];
  }
  if (state.now - state.prunedAt < DAY) return;
  state.prunedAt = state.now;
  for (const [id, rec] of Object.entries(state.users)) {
    // Keep `first` for ever (learning is per user); drop everything else of users idle for the whole baseline.
    if (rec.last < horizon && (Object.keys(rec.d).length > 0 || Object.keys(rec.countries).length > 0))
      state.users[id] = { first: rec.first, last: rec.last, countries: {}, d: {} };
  }
}

/** Open a new alert or grow the open one; undefined when the draft adds nothing (all its events already counted). */
function mergeDraft(det: AnyDetection, draft: AlertDraft, state: EngineState, changed: Map<string, Alert>): Alert | undefined {
  const group = draft.groupKey ?? draft.event.actor.id;
  const key = `${det.id}\u0000${group}`;
  const first = draft.firstTime ?? draft.time;
  let open = state.open[key];
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
  state.open[key] = open;
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
