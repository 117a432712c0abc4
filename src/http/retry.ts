/** Retry policy shared by every outbound integration: Retry-After first, else exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server-asked wait longer than this is not honoured in-process: the call fails and the next run resumes. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 180_000 };

/**
 * Parse the wait a server asked for: `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset`
 * (ISO-8601 date, possibly minute precision, or epoch seconds). Returns ms, or undefined when absent/unparseable.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra) {
    const secs = Number(ra.trim());
    if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset) {
    const t = reset.trim();
    if (/^\d+(\.\d+)?$/.test(t)) {
      const n = Number(t);
      // epoch seconds (10 digits) vs a seconds-from-now count
      const ms = n > 1e9 ? n * 1000 - now : n * 1000;
      return Math.max(0, Math.ceil(ms));
    }
    // ISO-8601, e.g. 2025-06-02T08:15Z or 2025-06-02T08:15+0000
    const iso = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const at = Date.parse(iso);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

/** Exponential backoff with full jitter: random in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export const isRetryableStatus = (status: number) => status === 429 || status === 408 || (status >= 500 && status <= 599);

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
