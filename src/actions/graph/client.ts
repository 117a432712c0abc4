import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import { fetchJson } from '../../http/fetch-json.js';
import type { RetryPolicy } from '../../http/retry.js';
import type { TokenProvider } from './token.js';

/** Graph's error body: `{"error":{"code":"...","message":"...","innerError":{"request-id":"...","client-request-id":"..."}}}`. */
const GraphErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.string().default('unknown'),
    message: z.string().default(''),
    innerError: z.looseObject({ 'request-id': z.string().optional(), 'client-request-id': z.string().optional() }).optional(),
  }),
});

/** A Graph call that failed: the HTTP status, Graph's `error.code`, its message and the request ids for support. */
export class GraphError extends UpstreamError {
  constructor(
    readonly httpStatus: number,
    readonly graphCode: string,
    readonly graphMessage: string,
    requestId: string | undefined,
    readonly clientRequestId: string,
  ) {
    const ids = [requestId ? `request-id ${requestId}` : '', `client-request-id ${clientRequestId}`].filter(Boolean).join(', ');
    super(
      `graph_${graphCode}`,
      `Microsoft Graph answered HTTP ${httpStatus} ${graphCode}${graphMessage ? `: ${graphMessage}` : ''} (${ids})`,
      httpStatus,
      requestId,
    );
  }
}

/** One Graph call as the audit trail records it. */
export interface GraphCallRecord {
  method: string;
  path: string;
  status: number;
  requestId?: string;
  clientRequestId: string;
}

export interface GraphResponse<T = unknown> {
  status: number;
  body: T;
  requestId?: string;
  clientRequestId: string;
}

/**
 * How a call may be repeated (issue 14): 'idempotent' (GET, PATCH to a target state, revoke) is retried on
 * answered 429/5xx, but a call that got no answer is not repeated blindly (the caller reads the result back);
 * 'once' (sendMail) is never repeated unless Graph certainly did not carry it out (429, no connection).
 */
export type GraphCallKind = 'read' | 'idempotent' | 'once';

export interface GraphClient {
  call<T = unknown>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, kind?: GraphCallKind): Promise<GraphResponse<T>>;
}

/** Graph gave no answer, or a 5xx to a call that is not repeated: it may or may not have been carried out. */
export const outcomeUnknown = (err: unknown): boolean => err instanceof GraphError && (err.graphCode === 'OutcomeUnknown' || err.httpStatus === 0);

export interface GraphClientOptions {
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 (no trailing slash). */
  baseUrl: string;
  tokens: TokenProvider;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout (default HTTP_TIMEOUT_MS's default, 30 s). */
  timeoutMs?: number;
  now?: () => number;
  onCall?: (rec: GraphCallRecord) => void;
}

/** Client errors that are answered, not retried (429 and 5xx are retried by fetchJson, honouring Retry-After). */
const PASS = [400, 401, 403, 404, 405, 409, 410, 412, 413, 415, 422];

/** Default Graph retry: a responder is waiting on the click, so keep the total bounded. */
export const GRAPH_RETRY: Partial<RetryPolicy> = { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 16_000, maxRetryAfterMs: 60_000 };

/**
 * Microsoft Graph over fetchJson: bearer token from the provider (refreshed once on 401), our own
 * `client-request-id` on every call, Graph errors turned into GraphError with code, message and request ids.
 */
export function createGraphClient(opts: GraphClientOptions): GraphClient {
  async function once<T>(method: string, path: string, body: unknown, clientRequestId: string, token: string, kind: GraphCallKind) {
    try {
      const res = await fetchJson<T>(`${opts.baseUrl}${path}`, {
        service: 'Microsoft Graph',
        method,
        resend: kind === 'read' ? 'all' : kind === 'once' ? 'once' : 'idempotent-answered',
        timeoutMs: opts.timeoutMs,
        headers: { authorization: `Bearer ${token}`, 'client-request-id': clientRequestId, 'return-client-request-id': 'true' },
        body,
        passStatuses: PASS,
        retry: { ...GRAPH_RETRY, ...opts.retry },
        now: opts.now,
      });
      return res;
    } catch (err) {
      // 429/5xx after every retry, or the network: keep the request id fetchJson read from the headers.
      if (err instanceof UpstreamError && !(err instanceof GraphError)) {
        const code = err.code === 'upstream_outcome_unknown' ? 'OutcomeUnknown' : err.status === 429 ? 'TooManyRequests' : err.status ? `HTTP_${err.status}` : 'Unreachable';
        opts.onCall?.({ method, path: path.split('?')[0] ?? path, status: err.status ?? 0, requestId: err.requestId, clientRequestId });
        throw new GraphError(err.status ?? 0, code, err.message, err.requestId, clientRequestId);
      }
      throw err;
    }
  }

  return {
    async call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, kind: GraphCallKind = method === 'GET' ? 'read' : 'idempotent'): Promise<GraphResponse<T>> {
      const clientRequestId = randomUUID();
      let res = await once<T>(method, path, body, clientRequestId, await opts.tokens.get(), kind);
      if (res.status === 401) {
        // The token may have been revoked or rotated early: fetch a fresh one and try once more.
        opts.tokens.invalidate();
        res = await once<T>(method, path, body, clientRequestId, await opts.tokens.get(), kind);
      }
      const requestId = res.headers.get('request-id') ?? undefined;
      opts.onCall?.({ method, path: path.split('?')[0] ?? path, status: res.status, requestId, clientRequestId });
      if (res.status >= 400) {
        const parsed = GraphErrorBody.safeParse(res.body);
        const e = parsed.success ? parsed.data.error : undefined;
        throw new GraphError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? '', requestId ?? e?.innerError?.['request-id'], clientRequestId);
      }
      return { status: res.status, body: res.body, requestId, clientRequestId };
    },
  };
}

/** Path of one user by object id or UPN (a UPN starting with `$` needs the key syntax; `#` of B2B UPNs is encoded). */
export function userPath(idOrUpn: string): string {
  if (idOrUpn.startsWith('$')) return `/users('${encodeURIComponent(idOrUpn.replace(/'/g, "''")).replace(/%40/g, '@')}')`;
  return `/users/${encodeURIComponent(idOrUpn).replace(/%40/g, '@')}`;
}

/** An OData string literal: single quotes doubled. */
export function odataString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}
