/** The org's day figures (UTC day number → value) a detection keeps in ctx.orgDays, and how it reads them. */
export const DAY = 86_400_000;

export const dayOf = (t: number) => Math.floor(t / DAY);

/** The figures of the `days` whole days before `day` (not `day` itself), oldest first. */
export function daysBefore(orgDays: Readonly<Record<string, number>>, day: number, days = 30): number[] {
  const out: number[] = [];
  for (const k in orgDays) {
    const d = Number(k);
    if (d < day && d >= day - days) out.push(orgDays[k]!);
  }
  return out;
}

/** The median of some figures (0 when there are none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
