import type { NormalizedEvent } from '../domain/index.js';

/** How far ahead of the receiving clock an event may be (clock skew between Atlassian and us). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Nothing in an Atlassian Cloud org audit log is older than this (the org audit log started long after). */
export const EARLIEST_EVENT_MS = Date.UTC(2015, 0, 1);

/**
 * Why an event's time cannot be trusted, or undefined when it can. An event's own time is evidence, never a
 * clock: one event dated 9999-12-31 must not move the engine clock, the activity window or dedupe.
 */
export function untrustedTime(e: NormalizedEvent, wall: number): string | undefined {
  if (!Number.isFinite(e.time)) return 'time is not a number';
  if (e.time > wall + MAX_FUTURE_SKEW_MS) return `time ${new Date(Math.min(e.time, 8.64e15)).toISOString()} is ahead of the receiving clock`;
  if (e.time < EARLIEST_EVENT_MS) return `time ${new Date(Math.max(e.time, -8.64e15)).toISOString()} is before 2015`;
  return undefined;
}
