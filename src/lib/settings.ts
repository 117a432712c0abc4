import { z } from 'zod';

/** Env values arrive as strings; empty strings mean "unset". */
export const optStr = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const optUrl = optStr.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), {
  message: 'must be an http(s) URL, e.g. https://example.com',
});

export const bool = (dflt: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return dflt;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

export const int = (dflt: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return dflt;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** Comma-separated list; blanks dropped. */
export const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** A duration like 30s, 5m, 24h, 7d (or a number of ms). Returns ms. */
export function parseDuration(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const mult: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };
  return Math.round(n * (mult[unit] ?? 1));
}

export const duration = (dflt: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const ms = parseDuration(v === undefined || v.trim() === '' ? dflt : v);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 5m, 24h or 7d' });
        return z.NEVER;
      }
      return ms;
    });

/** Add an issue against a named variable from inside superRefine. */
export function need(ctx: z.RefinementCtx, name: string, message: string) {
  ctx.addIssue({ code: 'custom', path: [name], message });
}

/**
 * Run a section's cross-field checks even when one of its fields is invalid, so that one start-up message names
 * every problem at once (zod skips refinements after a failed field otherwise).
 */
export const ALWAYS = { when: () => true } as const;
