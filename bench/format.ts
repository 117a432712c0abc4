/** Output helpers shared by the bench cases: figures go to stdout, progress to stderr. */
export interface Line {
  text: string;
  /** Machine-readable figures of the case (written with --json). */
  figures?: Record<string, unknown>;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en');
export const pct = (r: number) => `${(r * 100).toFixed(r < 0.01 ? 2 : 1)}%`;
export const mb = (v: number | undefined) => (v === undefined ? '? MB' : `${fmt(v)} MB`);
export const say = (s: string) => process.stderr.write(`${s}\n`);

/** Median and high percentiles of a sample, ms. */
export function quantiles(samples: number[]): { p50: number; p90: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { p50: q(0.5), p90: q(0.9), max: s.at(-1) ?? NaN };
}
