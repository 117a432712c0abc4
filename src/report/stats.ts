import type { DurationStat } from './model.js';

/**
 * Median (the mean of the two middle values when the count is even) and p90 by the nearest-rank method (the
 * smallest value with at least 90% of the values at or below it), over `values` measured on `count` of `of` items.
 */
export function durationStat(values: readonly number[], of: number): DurationStat {
  if (values.length === 0) return { count: 0, of };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 === 1 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
  const p90Ms = s[Math.ceil(0.9 * s.length) - 1]!;
  return { count: s.length, of, medianMs, p90Ms };
}

/** A duration for people: 45s, 12m, 3h 05m, 2d 4h. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "median 12m · p90 3h 05m (14 of 20 alerts)", or "no alert yet (0 of 20)". */
export function describeStat(s: DurationStat): string {
  if (s.count === 0) return `none yet (0 of ${s.of} alert${s.of === 1 ? '' : 's'})`;
  return `median ${formatDuration(s.medianMs)} · p90 ${formatDuration(s.p90Ms)} (${s.count} of ${s.of} alert${s.of === 1 ? '' : 's'})`;
}

/** "42%". */
export const percent = (share: number): string => `${Math.round(share * 100)}%`;
