/** Sorted-by-time lists and sliding windows, for bursts that must tolerate out-of-order (late) events. */
export interface Timed {
  t: number;
}

/** Insert keeping ascending time (stable: after equal times). Returns the index. */
export function insertSorted<T extends Timed>(list: T[], item: T): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t <= item.t) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
  return lo;
}

/**
 * The densest window of length `spanMs` that contains time `t`: the items of it (by a key function counting
 * distinct values when given). Every window start is tried at an item time in [t - span, t].
 */
export function densestWindow<T extends Timed>(list: readonly T[], t: number, spanMs: number, distinct?: (x: T) => string): T[] {
  let best: T[] = [];
  let bestScore = 0;
  for (let i = 0; i < list.length; i++) {
    const start = list[i]!.t;
    if (start < t - spanMs) continue;
    if (start > t) break;
    const items: T[] = [];
    for (let j = i; j < list.length && list[j]!.t <= start + spanMs; j++) items.push(list[j]!);
    const score = distinct ? new Set(items.map(distinct)).size : items.length;
    if (score > bestScore) {
      best = items;
      bestScore = score;
    }
  }
  return best;
}

/** Drop items older than `t`; keep at most `max` newest. Mutates. */
export function pruneBefore<T extends Timed>(list: T[], t: number, max: number): void {
  let n = 0;
  while (n < list.length && list[n]!.t < t) n++;
  if (list.length - n > max) n = list.length - max;
  if (n > 0) list.splice(0, n);
}
