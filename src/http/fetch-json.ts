import { UpstreamError } from '../domain/errors.js';
import { networkCause } from './network-cause.js';
import { resolveProxyEnv, type ProxyEnv } from './no-proxy.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { createTransport, installTransport, transport } from './transport.js';

/**
 * Configure the outbound transport once at start-up: keep-alive, timeouts, HTTPS_PROXY / https_proxy and
 * NO_PROXY / no_proxy (lowercase wins). With a proxy, global fetch and Node's global agents use it too, so
 * SDKs that make their own calls follow the same rule.
 */
export function configureHttp(opts: ProxyEnv & { timeoutMs?: number } = {}): void {
  const { proxy, noProxy } = resolveProxyEnv(opts);
  installTransport(createTransport({ proxy, noProxy, timeoutMs: opts.timeoutMs }), proxy !== undefined);
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Overall per-attempt timeout. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Name of the integration, for error messages ("Atlassian", "Microsoft Graph"). */
  service: string;
  signal?: AbortSignal;
  /** Called before each retry; for logging and metrics. */
  onRetry?: (info: { attempt: number; status?: number; delayMs: number; reason: string }) => void;
  /**
   * What may be sent again (issue 14). 'all' (default): 429/408/5xx and network errors are retried.
   * 'idempotent-answered': a request that got no answer (timeout, reset) is not repeated: it may have been
   * carried out, and the caller reads the result back instead; answered 429/5xx are retried.
   * 'once': never repeated unless it certainly was not carried out (429, or no connection was made); a
   * timeout, a reset or a 5xx throws `upstream_outcome_unknown`.
   */
  resend?: 'all' | 'idempotent-answered' | 'once';
  /** Statuses that are returned to the caller instead of throwing (e.g. 400 for a rejected cursor). */
  passStatuses?: number[];
  now?: () => number;
  random?: () => number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Connection errors where the request never reached the server (safe to send again whatever it was). */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One outbound JSON call through global fetch (looked up at call time, so nock intercepts it), with our
 * own retry: 429/408/5xx and network errors retried, honouring Retry-After / X-RateLimit-Reset.
 */
export async function fetchJson<T = unknown>(url: string, req: HttpRequest): Promise<HttpResponse<T>> {
  const policy = { ...DEFAULT_RETRY, ...req.retry };
  const now = req.now ?? Date.now;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    const timeout = AbortSignal.timeout(req.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      const init = { method: req.method ?? 'GET', headers, body, signal, dispatcher: transport().dispatcher };
      res = await globalThis.fetch(url, init as unknown as RequestInit);
    } catch (err) {
      if (req.signal?.aborted) throw err;
      const cause = (err as Error).cause as (Error & { code?: string }) | undefined;
      const reason = timeout.aborted ? 'timeout' : networkCause(err, hostOf(url));
      const notSent = !timeout.aborted && NOT_CONNECTED.has(cause?.code ?? '');
      if ((req.resend ?? 'all') !== 'all' && !notSent)
        throw new UpstreamError('upstream_outcome_unknown', `${req.service} did not answer (${reason}): the request may or may not have been carried out`);
      if (attempt >= policy.maxRetries)
        throw new UpstreamError('upstream_unreachable', `${req.service} unreachable after ${attempt + 1} attempts: ${reason}`);
      const delayMs = backoffDelay(attempt, policy, req.random);
      req.onRetry?.({ attempt: attempt + 1, delayMs, reason });
      await sleep(delayMs, req.signal);
      continue;
    }
    const text = await res.text().catch(() => '');
    if (res.ok || req.passStatuses?.includes(res.status)) {
      let parsed: unknown = undefined;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          if (res.ok && (res.headers.get('content-type') ?? '').includes('json'))
            throw new UpstreamError('upstream_bad_json', `${req.service} returned invalid JSON (HTTP ${res.status})`, res.status);
          parsed = text;
        }
      }
      return { status: res.status, headers: res.headers, body: parsed as T, text };
    }
    const resendable = req.resend === 'once' ? res.status === 429 : isRetryableStatus(res.status);
    if (resendable && attempt < policy.maxRetries) {
      const asked = parseRetryAfter(res.headers, now());
      if (asked !== undefined && asked > policy.maxRetryAfterMs)
        throw new UpstreamError('upstream_rate_limited', `${req.service} asked to wait ${Math.round(asked / 1000)} s; giving up for now`, res.status);
      const delayMs = asked ?? backoffDelay(attempt, policy, req.random);
      req.onRetry?.({ attempt: attempt + 1, status: res.status, delayMs, reason: `HTTP ${res.status}` });
      await sleep(delayMs, req.signal);
      continue;
    }
    throw new UpstreamError(
      res.status === 429 ? 'upstream_rate_limited' : req.resend === 'once' && res.status >= 500 ? 'upstream_outcome_unknown' : `upstream_http_${res.status}`,
      `${req.service} answered HTTP ${res.status}${describeError(text)}`,
      res.status,
      res.headers.get('request-id') ?? res.headers.get('x-request-id') ?? res.headers.get('x-arequestid') ?? undefined,
    );
  }
}

const hostOf = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    return undefined;
  }
};

/** A short, secret-free description of an error body (Atlassian, Graph and Jira error shapes). */
function describeError(text: string): string {
  if (!text) return '';
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const err = j.error as Record<string, unknown> | string | undefined;
    if (err && typeof err === 'object' && typeof err.message === 'string') return `: ${err.code ?? ''} ${err.message}`.slice(0, 300);
    if (typeof err === 'string') return `: ${err}`.slice(0, 300);
    const errors = j.errors as Array<Record<string, unknown>> | undefined;
    if (Array.isArray(errors) && errors[0]) return `: ${String(errors[0].title ?? errors[0].detail ?? errors[0].code ?? '')}`.slice(0, 300);
    if (Array.isArray(j.errorMessages) && j.errorMessages[0]) return `: ${String(j.errorMessages[0])}`.slice(0, 300);
    if (typeof j.message === 'string') return `: ${j.message}`.slice(0, 300);
  } catch {
    /* not JSON */
  }
  return '';
}
