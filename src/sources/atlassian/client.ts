import { AuthError, SchemaError, UpstreamError } from '../../domain/errors.js';
import { fetchJson, type HttpRequest } from '../../http/fetch-json.js';
import type { RetryPolicy } from '../../http/retry.js';
import { addActionNames } from './catalogue.js';
import { EventActionsPage, EventPage } from './schema.js';

export interface AtlassianClientOptions {
  baseUrl: string;
  orgId: string;
  apiKey: string;
  pageLimit: number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  onRetry?: HttpRequest['onRetry'];
  signal?: AbortSignal;
}

export type PageRequest = { cursor: string } | { from: number };

export type PageResult =
  | { kind: 'page'; events: unknown[]; next?: string }
  /** The API refused the cursor (expired or invalid): resume from the watermark instead. */
  | { kind: 'cursor-rejected'; status: number };

const AUTH_HINT =
  'Atlassian API key invalid or expired: create a new key in admin.atlassian.com → Settings → API keys (Organization ID shown there) and set ATLASSIAN_API_KEY';

function cursorFrom(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    return new URL(link, 'https://x.invalid').searchParams.get('cursor') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Client for the Organizations audit log: events-stream polling and the event-actions catalogue. */
export function createAtlassianClient(opts: AtlassianClientOptions) {
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/admin/v1/orgs/${encodeURIComponent(opts.orgId)}`;
  const common = (): HttpRequest => ({
    service: 'Atlassian',
    headers: { authorization: `Bearer ${opts.apiKey}` },
    retry: opts.retry,
    timeoutMs: opts.timeoutMs,
    onRetry: opts.onRetry,
    signal: opts.signal,
  });

  async function call(url: string, passStatuses: number[] = []) {
    try {
      return await fetchJson(url, { ...common(), passStatuses });
    } catch (err) {
      if (err instanceof UpstreamError && (err.status === 401 || err.status === 403))
        throw new AuthError(`${AUTH_HINT} (HTTP ${err.status})`, err.status);
      throw err;
    }
  }

  /** One page of `GET /events-stream`, ascending by processedAt. */
  async function readPage(req: PageRequest): Promise<PageResult> {
    const q = new URLSearchParams({ limit: String(opts.pageLimit) });
    if ('cursor' in req) q.set('cursor', req.cursor);
    else {
      q.set('from', String(Math.max(0, Math.floor(req.from))));
      q.set('sortOrder', 'asc');
    }
    const res = await call(`${base}/events-stream?${q}`, 'cursor' in req ? [400, 404, 410, 422] : []);
    if (res.status >= 400) return { kind: 'cursor-rejected', status: res.status };
    const page = EventPage.safeParse(res.body);
    if (!page.success) throw new SchemaError(`Atlassian events-stream page is not in the documented shape: ${page.error.issues[0]?.path.join('.')} ${page.error.issues[0]?.message}`);
    const next = page.data.meta?.next ?? cursorFrom(page.data.links?.next);
    return { kind: 'page', events: page.data.data, next };
  }

  /** The action-key → display-name catalogue (`GET /event-actions`, all pages). */
  async function readEventActions(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await call(`${base}/event-actions${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      const page = EventActionsPage.safeParse(res.body);
      if (!page.success) throw new SchemaError('Atlassian event-actions response is not in the documented shape');
      addActionNames(page.data, names);
      const next = page.data.meta?.next ?? cursorFrom(page.data.links?.next);
      if (!next || next === cursor || page.data.data.length === 0) break;
      cursor = next;
    }
    return names;
  }

  return { readPage, readEventActions, pageLimit: opts.pageLimit };
}
export type AtlassianClient = ReturnType<typeof createAtlassianClient>;
