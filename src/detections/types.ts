import type { Alert, EvidenceItem, NormalizedEvent, Severity } from '../domain/index.js';

export type Sensitivity = 'low' | 'medium' | 'high';
export const SENSITIVITIES: readonly Sensitivity[] = ['low', 'medium', 'high'];

/** Resolved tuning of one detection (global settings, overridden by the policy file). */
export interface DetectionSettings {
  enabled: boolean;
  sensitivity: Sensitivity;
  /** Actor account ids or emails never alerted on by this detection. */
  excludeUsers: string[];
  /** Site host names, names or ids never alerted on by this detection. */
  excludeSites: string[];
  /** IPs/CIDRs never alerted on by this detection (matched by `excludeIp`). */
  excludeIps: string[];
  /** Compiled matcher for excludeIps (built at the edge; exact match when absent). */
  excludeIp?: (ip: string) => boolean;
}

/** What a detection knows besides its own state. All of it is derived from events: no clock, no I/O. */
export interface DetectionContext {
  settings: DetectionSettings;
  /** True while the org or this event's actor is inside the 7-day learning period (at the event's time). */
  learning: boolean;
  /**
   * True while this event's actor is inside their own learning period in an org that has a baseline (it is past
   * its first 7 days, or it learned from history): an actor new to the org.
   */
  newActor: boolean;
  /** When the actor was first seen (ms). */
  actorFirst: number;
  /**
   * This detection's org-wide day figures (UTC day number → value), changed in place by the detection; kept for
   * detections with `newActors: 'org-baseline'` only (empty and not stored for the others).
   */
  orgDays: Record<string, number>;
  /** Countries (ISO code, else lower-case name) this actor used interactively → latest time (ms), before this event. */
  userCountries: Readonly<Record<string, number>>;
  /** The same for the whole org. */
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
  /** Every IP behind the draft when there are several (both ends of a trip): an excluded one suppresses it. */
  ips?: string[];
}

/**
 * A detection is data plus one pure function. State is per actor unless `stateKey` says otherwise; the
 * engine hands `evaluate` a private copy it may change in place (copy-on-write per engine run).
 */
export interface Detection<S = unknown> {
  id: string;
  title: string;
  severity: Severity;
  mitre: string[];
  runbook: string;
  /** Dedup window: a matching event within this time after the open alert's lastSeen extends it. */
  windowMs: number;
  /** Needs a learned baseline: raises nothing during learning (state is still learned). */
  needsBaseline: boolean;
  /**
   * 'org-baseline': for an actor new to an org with a baseline (ctx.newActor), the detection judges the event
   * against the org's baseline (ctx.orgDays) instead of staying quiet: high-risk actions (admin bursts,
   * impersonation) by a brand-new account are not ignored for a week.
   */
  newActors?: 'org-baseline';
  /** Cheap filter: events it rejects never reach evaluate or touch state. */
  accepts(event: NormalizedEvent): boolean;
  /** State bucket for an event (default: the actor). */
  stateKey?(event: NormalizedEvent): string | undefined;
  /** Absent for stateless detections. */
  initialState?(): S;
  /** Copy a state for copy-on-write; default structuredClone. */
  cloneState?(state: S): S;
  evaluate(event: NormalizedEvent, state: S, ctx: DetectionContext): AlertDraft[];
}

export type AnyDetection = Detection<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type { Alert };
