import type { Alert, NormalizedEvent } from '../domain/index.js';
import { stableId } from './lib/hash.js';
import type { AlertDraft, AnyDetection, DetectionSettings } from './types.js';

const DAY = 86_400_000;
export const LEARNING_MS = 7 * DAY;
export const BASELINE_MS = 30 * DAY;
const MAX_EVENT_IDS = 100;

/** An open (still growing) alert, kept in engine state so later events extend it. */
export interface OpenAlert {
  alertId: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  eventIds: string[];
}

/** Engine state: plain JSON, persisted with the sweep checkpoint. */
export interface EngineState {
  version: 1;
  /** Engine clock: newest event time seen. */
  now: number;
  orgFirstSeen?: number;
  /** Per actor id: first event time (learning period). */
  userFirstSeen: Record<string, number>;
  /** Org-wide country usage: country → last day number seen. */
  orgCountries: Record<string, number>;
  detections: Record<string, unknown>;
  /** detection id + group key → open alert. */
  open: Record<string, OpenAlert>;
}

export interface EngineOptions {
  detections: AnyDetection[];
  /** Settings per detection id (the engine falls back to enabled/medium/no exclusions). */
  settings: (detectionId: string) => DetectionSettings;
}

export interface RunResult {
  /** New or grown alerts (full objects), in the order they changed. */
  alerts: Alert[];
  state: EngineState;
}

export function initialEngineState(): EngineState {
  return { version: 1, now: 0, userFirstSeen: {}, orgCountries: {}, detections: {}, open: {} };
}

/** Accept a persisted state only if it has the expected shape; otherwise start fresh (the caller logs it). */
export function reviveEngineState(raw: unknown): EngineState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const s = raw as Partial<EngineState>;
  if (s.version !== 1 || typeof s.now !== 'number' || typeof s.open !== 'object' || typeof s.detections !== 'object') return undefined;
  return { ...initialEngineState(), ...s } as EngineState;
}

function excluded(draft: AlertDraft, s: DetectionSettings): boolean {
  const a = draft.event.actor;
  if (s.excludeUsers.some((u) => u === a.id || (a.email !== undefined && u.toLowerCase() === a.email.toLowerCase()))) return true;
  const site = draft.event.site;
  if (site && s.excludeSites.some((x) => x === site.host || x === site.id || x === site.name)) return true;
  return false;
}

/**
 * Run events through every enabled detection. Pure: the same events and state always give the same alerts
 * and state. Events are taken in the order given (callers sort by time; late events are still handled).
 */
export function runDetections(events: readonly NormalizedEvent[], prior: EngineState, opts: EngineOptions): RunResult {
  const state: EngineState = {
    ...prior,
    userFirstSeen: { ...prior.userFirstSeen },
    orgCountries: { ...prior.orgCountries },
    detections: { ...prior.detections },
    open: { ...prior.open },
  };
  const changed = new Map<string, Alert>();

  for (const event of events) {
    if (event.time > state.now) state.now = event.time;
    if (state.orgFirstSeen === undefined || event.time < state.orgFirstSeen) state.orgFirstSeen = event.time;
    const firstUser = state.userFirstSeen[event.actor.id];
    if (firstUser === undefined || event.time < firstUser) state.userFirstSeen[event.actor.id] = event.time;
    const learning =
      state.now - (state.orgFirstSeen ?? event.time) < LEARNING_MS || state.now - (state.userFirstSeen[event.actor.id] ?? event.time) < LEARNING_MS;

    for (const det of opts.detections) {
      const settings = opts.settings(det.id);
      if (!settings.enabled) continue;
      const before = state.detections[det.id] ?? det.initialState();
      const { drafts, state: after } = det.evaluate(event, before, {
        now: state.now,
        settings,
        learning,
        orgCountries: state.orgCountries,
      });
      state.detections[det.id] = after;
      if (det.needsBaseline && learning) continue;
      for (const draft of drafts) {
        if (excluded(draft, settings)) continue;
        const alert = mergeDraft(det, draft, state, changed);
        changed.set(alert.id, alert);
      }
    }
    const country = event.location?.countryCode ?? event.location?.countryName;
    if (country && event.interactive) state.orgCountries[country] = Math.floor(event.time / DAY);
  }
  // Forget open alerts whose window closed long ago, and org countries older than the baseline.
  for (const [k, o] of Object.entries(state.open)) if (state.now - o.lastSeen > BASELINE_MS) delete state.open[k];
  for (const [c, day] of Object.entries(state.orgCountries)) if (state.now - day * DAY > BASELINE_MS) delete state.orgCountries[c];
  return { alerts: [...changed.values()], state };
}

function mergeDraft(det: AnyDetection, draft: AlertDraft, state: EngineState, changed: Map<string, Alert>): Alert {
  const group = draft.groupKey ?? draft.event.actor.id;
  const key = `${det.id}\u0000${group}`;
  const first = draft.firstTime ?? draft.time;
  let open = state.open[key];
  if (!open || draft.time > open.lastSeen + det.windowMs || first < open.firstSeen - det.windowMs) {
    open = { alertId: stableId(det.id, group, first), firstSeen: first, lastSeen: draft.time, count: 0, eventIds: [] };
  }
  const ids = new Set(open.eventIds);
  let added = 0;
  for (const id of draft.eventIds) {
    if (!ids.has(id)) {
      ids.add(id);
      added++;
    }
  }
  open = {
    ...open,
    firstSeen: Math.min(open.firstSeen, first),
    lastSeen: Math.max(open.lastSeen, draft.time),
    count: open.count + added,
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
    revision: 1,
  };
}
