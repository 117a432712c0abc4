import { z } from 'zod';
import { AuthError, UpstreamError } from '../../domain/errors.js';
import { fetchJson } from '../../http/fetch-json.js';
import type { RetryPolicy } from '../../http/retry.js';
import { registerSecrets } from '../../log.js';

/** Success body of the client-credentials grant (real responses carry more fields, e.g. ext_expires_in). */
const TokenResponse = z.looseObject({
  token_type: z.string(),
  expires_in: z.coerce.number().positive(),
  access_token: z.string().min(1),
});

/** Error body of the v2.0 token endpoint: `{"error":"invalid_client","error_description":"AADSTS7000215: ...",...}`. */
const TokenError = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

export interface TokenProviderOptions {
  /** e.g. https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The resource's `/.default` scope, e.g. https://graph.microsoft.com/.default. */
  scope: string;
  /** Refresh this long before the token expires. Default 5 minutes. */
  refreshSkewMs?: number;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
}

export interface TokenProvider {
  /** A valid access token: cached until `refreshSkewMs` before expiry; concurrent callers share one request. */
  get(): Promise<string>;
  /** Forget the cached token (after Graph answered 401). */
  invalidate(): void;
}

/** The `/.default` scope for the Graph host named by GRAPH_BASE_URL (national clouds have their own host). */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

/** Client-credentials tokens for Microsoft Graph from the Microsoft identity platform v2.0 endpoint. */
export function createTokenProvider(opts: TokenProviderOptions): TokenProvider {
  const now = opts.now ?? Date.now;
  const skew = opts.refreshSkewMs ?? 5 * 60_000;
  const url = `${opts.authorityHost}/${encodeURIComponent(opts.tenantId)}/oauth2/v2.0/token`;
  registerSecrets([opts.clientSecret]);
  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      client_id: opts.clientId,
      scope: opts.scope,
      client_secret: opts.clientSecret,
      grant_type: 'client_credentials',
    });
    const startedAt = now();
    const res = await fetchJson(url, {
      service: 'Microsoft Entra ID token endpoint',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      passStatuses: [400, 401, 403],
      retry: opts.retry,
      now,
    });
    if (res.status >= 400) {
      const err = TokenError.safeParse(res.body);
      const code = err.success ? err.data.error : `HTTP ${res.status}`;
      // The description's first line is enough ("AADSTS7000215: Invalid client secret provided. ...").
      const desc = err.success ? (err.data.error_description ?? '').split(/\r?\n/)[0] : '';
      const trace = err.success && err.data.trace_id ? ` (trace id ${err.data.trace_id})` : '';
      throw new AuthError(`Entra ID refused the client-credentials token request: ${code}${desc ? ` ${desc}` : ''}${trace}`, res.status);
    }
    const parsed = TokenResponse.safeParse(res.body);
    if (!parsed.success) throw new UpstreamError('upstream_bad_token', 'Entra ID token endpoint returned an unexpected body (no access_token/expires_in)');
    registerSecrets([parsed.data.access_token]);
    cached = { token: parsed.data.access_token, expiresAt: startedAt + parsed.data.expires_in * 1000 };
    return parsed.data.access_token;
  }

  return {
    get() {
      if (cached && now() < cached.expiresAt - skew) return Promise.resolve(cached.token);
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** How to fix a refused client-credentials token request, from Entra's error text (the doctor's advice). */
export function tokenErrorFix(message: string, idVar: string, secretVar: string, tenantVar: string): string {
  if (/proxy \(HTTPS_PROXY\) refused/.test(message)) return 'Your proxy refuses this host: allow it (and login.botframework.com for the Teams bot) in the proxy, or fix HTTPS_PROXY';
  if (/AADSTS7000215|AADSTS7000222|invalid_client/.test(message)) return `The client secret is wrong or expired: create a new one under the app registration's Certificates & secrets and set ${secretVar}`;
  if (/AADSTS700016|unauthorized_client/.test(message)) return `No app with this id in the tenant: check ${idVar} and ${tenantVar}`;
  if (/AADSTS90002|AADSTS90023|tenant/i.test(message)) return `Tenant not found: check ${tenantVar}`;
  return `Check ${idVar}, ${secretVar} and ${tenantVar}, and the network path to the token endpoint (HTTPS_PROXY)`;
}
