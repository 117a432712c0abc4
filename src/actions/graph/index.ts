import type { RetryPolicy } from '../../http/retry.js';
import type { EntraEnv } from '../settings.js';
import { createGraphClient, type GraphCallRecord, type GraphClient } from './client.js';
import { createTokenProvider, graphScope, type TokenProvider } from './token.js';

/** Microsoft Graph for one app registration: one token provider (one cached token), clients on top of it. */
export interface Graph {
  tokens: TokenProvider;
  /** A client; `onCall` records each call (the actions keep them for the audit trail). */
  client(opts?: { onCall?: (rec: GraphCallRecord) => void }): GraphClient;
}

export const isEntraConfigured = (env: EntraEnv) => Boolean(env.ENTRA_TENANT_ID && env.ENTRA_CLIENT_ID && env.ENTRA_CLIENT_SECRET);

/** Built once per process from ENTRA_*; undefined when Entra ID is not configured. */
export function createGraph(env: EntraEnv, opts: { retry?: Partial<RetryPolicy>; now?: () => number; timeoutMs?: number } = {}): Graph | undefined {
  if (!isEntraConfigured(env)) return undefined;
  const tokens = createTokenProvider({
    authorityHost: env.ENTRA_AUTHORITY_HOST,
    tenantId: env.ENTRA_TENANT_ID!,
    clientId: env.ENTRA_CLIENT_ID!,
    clientSecret: env.ENTRA_CLIENT_SECRET!,
    scope: graphScope(env.GRAPH_BASE_URL),
    now: opts.now,
    retry: opts.retry,
  });
  return { tokens, client: (c = {}) => createGraphClient({ baseUrl: env.GRAPH_BASE_URL, tokens, retry: opts.retry, timeoutMs: opts.timeoutMs, now: opts.now, onCall: c.onCall }) };
}
