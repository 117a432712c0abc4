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
  // Two pointers over the sorted list: linear in the list, whatever its density (20,000 failures in an hour).
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t < t - spanMs) lo = mid + 1;
    else hi = mid;
  }
  const counts = new Map<string, number>();
  let best = { from: 0, to: 0, score: 0 };
  let j = lo;
  for (let i = lo; i < list.length && list[i]!.t <= t; i++) {
    const end = list[i]!.t + spanMs;
    for (; j < list.length && list[j]!.t <= end; j++) if (distinct) counts.set(distinct(list[j]!), (counts.get(distinct(list[j]!)) ?? 0) + 1);
    const score = distinct ? counts.size : j - i;
    if (score > best.score) best = { from: i, to: j, score };
    if (distinct) {
      const k = distinct(list[i]!);
      const n = counts.get(k)! - 1;
      if (n === 0) counts.delete(k);
      else counts.set(k, n);
    }
  }
  return list.slice(best.from, best.to);
}

/** Drop items older than `t`; keep at most `max` newest. Mutates. */
export function pruneBefore<T extends Timed>(list: T[], t: number, max: number): void {
  let n = 0;
  while (n < list.length && list[n]!.t < t) n++;
  if (list.length - n > max) n = list.length - max;
  if (n > 0) list.splice(0, n);
}
