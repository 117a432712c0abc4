import type { Alert, EvidenceItem, NormalizedEvent, Severity } from '../domain/index.js';

export type Sensitivity = 'low' | 'medium' | 'high';

/** Resolved tuning of one detection (global settings, overridden by the policy file). */
export interface DetectionSettings {
  enabled: boolean;
  sensitivity: Sensitivity;
  /** Actor account ids or emails never alerted on by this detection. */
  excludeUsers: string[];
  /** Site host names or ids never alerted on by this detection. */
  excludeSites: string[];
}

/** What a detection knows besides its own state. All of it is derived from events: no clock, no I/O. */
export interface DetectionContext {
  /** The engine clock: the latest event time seen so far (epoch ms). */
  now: number;
  settings: DetectionSettings;
  /** True while the org or this event's actor is inside the 7-day learning period. */
  learning: boolean;
  /** Day numbers of activity per country the whole org used in the last 30 days (for low sensitivity). */
  orgCountries: Readonly<Record<string, number>>;
}

/** What a detection raises; the engine turns drafts into deduplicated Alerts. */
export interface AlertDraft {
  /** Dedup group; defaults to the actor's account id. */
  groupKey?: string;
  severity?: Severity;
  title: string;
  summary: string;
  evidence: EvidenceItem[];
  facts?: Record<string, unknown>;
  eventIds: string[];
  /** Event time of the newest event behind the draft. */
  time: number;
  /** Event time of the oldest event behind the draft (defaults to time). */
  firstTime?: number;
  /** The event whose actor, IP and site the exclusions are checked against. */
  event: NormalizedEvent;
}

export interface EvaluateResult<S> {
  drafts: AlertDraft[];
  state: S;
}

/** A detection is data plus one pure function. */
export interface Detection<S = unknown> {
  id: string;
  title: string;
  severity: Severity;
  mitre: string[];
  runbook: string;
  /** Dedup window: a matching event within this time after the open alert's lastSeen extends it. */
  windowMs: number;
  /** Needs a learned baseline: raises nothing during learning. */
  needsBaseline: boolean;
  initialState(): S;
  evaluate(event: NormalizedEvent, state: S, ctx: DetectionContext): EvaluateResult<S>;
}

export type AnyDetection = Detection<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type { Alert };
