import { z } from 'zod';
import type { Store } from '../store/store.js';
import { daysUntil } from '../doctor/checks/atlassian.js';

export const EXPIRY_THRESHOLDS = [14, 7, 1] as const;

const Warned = z.object({ expires: z.string(), warned: z.array(z.number()) });
const META = 'atlassian-key-expiry-warnings';

export interface ExpiryWarning {
  /** 14, 7 or 1; 0 once the key has expired. */
  threshold: number;
  daysLeft: number;
  expires: string;
  message: string;
}

/**
 * Warn 14, 7 and 1 days before the Atlassian API key expires (and once when it has expired), each warning
 * once, remembered in the store meta. Call it at start-up and daily; `warn` posts to the alert channel.
 * A `warn` that throws is not remembered, so the next run tries again. A new expiry date starts afresh.
 */
export async function checkKeyExpiry(opts: {
  store: Store;
  expires: string | undefined;
  now?: number;
  warn: (w: ExpiryWarning) => Promise<void>;
}): Promise<ExpiryWarning | undefined> {
  const now = opts.now ?? Date.now();
  const days = daysUntil(opts.expires, now);
  if (days === undefined || !opts.expires) return undefined;
  const due = days < 0 ? 0 : EXPIRY_THRESHOLDS.filter((t) => days <= t).at(-1);
  if (due === undefined) return undefined;
  const state = await opts.store.getMeta(META, Warned);
  const warned = state?.expires === opts.expires ? state.warned : [];
  if (warned.includes(due)) return undefined;
  const message =
    due === 0
      ? `The Atlassian API key expired on ${opts.expires}: Vigil can no longer read the audit log. Create a new key in admin.atlassian.com → Settings → API keys and set ATLASSIAN_API_KEY and ATLASSIAN_API_KEY_EXPIRES.`
      : `The Atlassian API key expires in ${days} day${days === 1 ? '' : 's'} (${opts.expires}). Create a replacement in admin.atlassian.com → Settings → API keys and set ATLASSIAN_API_KEY and ATLASSIAN_API_KEY_EXPIRES before then.`;
  const warning: ExpiryWarning = { threshold: due, daysLeft: days, expires: opts.expires, message };
  await opts.warn(warning);
  // Larger thresholds are covered by this warning too (a key found at 5 days left gets one "7 days" warning).
  const covered = [...EXPIRY_THRESHOLDS, 0].filter((t) => t >= due);
  await opts.store.setMeta(META, { expires: opts.expires, warned: [...new Set([...warned, ...covered])] });
  return warning;
}
