import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A fault the fake answers with instead of a page (one per matching request, in order). */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Delay before answering, ms (to exercise client timeouts). */
  delayMs?: number;
}

export interface FakeAtlassian {
  url: string;
  orgId: string;
  apiKey: string;
  /** Raw events the org "has", in processedAt order. Push more to simulate new activity. */
  events: Array<Record<string, any>>;
  faults: Fault[];
  /** Every request seen: path + query. */
  requests: Array<{ path: string; query: URLSearchParams; auth?: string }>;
  /** Cursors the fake will refuse (400 Error.InvalidPageCursor), e.g. to simulate expiry. */
  rejectCursors: Set<string>;
  actions: Array<{ id: string; displayName: string }>;
  onPage?: (page: number) => void;
  /** Delay before answering each events-stream page, ms (a slow API). */
  pageDelayMs: number;
  /** Random faults on API requests (429 / 500 / 503 / timeout / slow), decided by a seeded generator. */
  randomFaults?: RandomFaults;
  /** Serve a generated org instead of `events` (large load tests: events are built per page, never held). */
  generated?: GeneratedEvents;
  /** Counts of injected random faults by kind. */
  injected: Record<string, number>;
  /**
   * Most sweep requests ever in flight at once (several replicas must never sweep the same org concurrently).
   * The start-up doctor's credential probe (`events-stream?limit=1`) and its `/event-actions` read run on every replica
   * outside any lock and are not counted.
   */
  maxInFlight: number;
  close(): Promise<void>;
}

export interface RandomFaults {
  /** Fraction of requests (0..1) answered with a fault. */
  rate: number;
  /** Uniform [0,1) generator; use a seeded one so a failure reproduces. */
  random: () => number;
  /** A "timeout" waits this long before answering (longer than the client's timeout), ms. */
  timeoutMs: number;
  /** A "slow" answer waits this long and then serves the page, ms. */
  slowMs?: number;
}

export interface GeneratedEvents {
  count: number;
  /** The i-th raw event; processedAt must not decrease with i. */
  event(i: number): Record<string, any>;
  processedAt(i: number): number;
}

/** One injected fault, in the documented shapes (429 Error.RateLimited with X-RateLimit-Reset / Retry-After). */
function pickFault(f: RandomFaults): { kind: string; fault?: Fault } {
  const r = f.random();
  if (r < 0.3)
    return {
      kind: '429',
      fault: {
        status: 429,
        headers: { 'retry-after': '1', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' },
        body: { errors: [{ status: '429', code: 'RATE_LIMITED', title: 'Error.RateLimited' }] },
      },
    };
  if (r < 0.5) return { kind: '500', fault: { status: 500, body: { errors: [{ status: '500', title: 'Internal Server Error' }] } } };
  if (r < 0.65) return { kind: '503', fault: { status: 503, body: { errors: [{ status: '503', title: 'Service Unavailable' }] } } };
  if (r < 0.85) return { kind: 'timeout', fault: { status: 504, delayMs: f.timeoutMs } };
  return { kind: 'slow' };
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset, s: 'asc' })).toString('base64url');
const decodeCursor = (c: string): number | undefined => {
  try {
    const o = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')).o;
    return Number.isInteger(o) ? o : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A loopback stand-in for the Organizations audit-log API: `GET /admin/v1/orgs/{orgId}/events-stream` (ascending by
 * processedAt, `limit` default 200, `from` epoch ms, opaque cursor returned on every page including the last) and
 * `GET /admin/v1/orgs/{orgId}/event-actions`. Bearer auth; 401 with the documented error body otherwise.
 */
export async function startFakeAtlassian(opts: { orgId?: string; apiKey?: string } = {}): Promise<FakeAtlassian> {
  const orgId = opts.orgId ?? 'org-1';
  const apiKey = opts.apiKey ?? 'test-atlassian-key-0001';
  let pages = 0;
  const fake: Omit<FakeAtlassian, 'url' | 'close'> = { orgId, apiKey, events: [], faults: [], requests: [], rejectCursors: new Set(), actions: [], pageDelayMs: 0, injected: {}, maxInFlight: 0 };
  let inFlight = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    fake.requests.push({ path: u.pathname, query: u.searchParams, auth: req.headers.authorization });
    let fault = fake.faults.shift();
    let slowMs = 0;
    if (!fault && fake.randomFaults && fake.randomFaults.random() < fake.randomFaults.rate) {
      const picked = pickFault(fake.randomFaults);
      fake.injected[picked.kind] = (fake.injected[picked.kind] ?? 0) + 1;
      fault = picked.fault;
      if (!fault) slowMs = fake.randomFaults.slowMs ?? 200;
    }
    if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
      return json(res, fault.status, fault.body ?? { errors: [{ status: String(fault.status), title: 'fault' }] }, fault.headers);
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return json(res, 401, { code: 401, message: 'Unauthorized; scope does not match' });
    const base = `/admin/v1/orgs/${orgId}`;
    if (u.pathname === `${base}/event-actions`) {
      return json(res, 200, {
        data: fake.actions.map((a) => ({ id: a.id, type: 'event-actions', attributes: { displayName: a.displayName, groupDisplayName: 'Test' } })),
        links: {},
      });
    }
    if (u.pathname !== `${base}/events-stream`) return json(res, 404, { errors: [{ status: '404', title: 'Not Found' }] });
    const limit = Math.min(Number(u.searchParams.get('limit') ?? 200), 1000);
    let offset = 0;
    const cursor = u.searchParams.get('cursor');
    if (cursor) {
      const o = decodeCursor(cursor);
      if (o === undefined || fake.rejectCursors.has(cursor))
        return json(res, 400, { errors: [{ status: '400', code: 'INVALID_PAGE_CURSOR', title: 'Error.InvalidPageCursor' }] });
      offset = o;
    } else if (u.searchParams.has('from') && fake.generated) {
      const from = Number(u.searchParams.get('from'));
      const g = fake.generated;
      let lo = 0;
      let hi = g.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (g.processedAt(mid) < from) lo = mid + 1;
        else hi = mid;
      }
      offset = lo;
    } else if (u.searchParams.has('from')) {
      const from = Number(u.searchParams.get('from'));
      offset = fake.events.findIndex((e) => Date.parse(e.attributes.processedAt ?? e.attributes.time) >= from);
      if (offset < 0) offset = fake.events.length;
    }
    if (fake.pageDelayMs > 0) await new Promise((r) => setTimeout(r, fake.pageDelayMs));
    if (res.destroyed) return;
    const g = fake.generated;
    const data = g
      ? Array.from({ length: Math.max(0, Math.min(limit, g.count - offset)) }, (_, k) => g.event(offset + k))
      : fake.events.slice(offset, offset + limit);
    const next = encodeCursor(offset + data.length);
    fake.onPage?.(++pages);
    return json(res, 200, {
      data,
      meta: { next, page_size: limit },
      links: { self: `${u.pathname}${u.search}`, next: `${u.pathname}?cursor=${next}` },
    });
  };
  const server: Server = createServer((req, res) => {
    // Sweep requests only: the start-up doctor's credential probe (`limit=1`) and its /event-actions read run on
    // every replica outside any lock.
    const u = new URL(req.url ?? '/', 'http://x');
    const probe = u.searchParams.get('limit') === '1' || u.pathname.endsWith('/event-actions');
    if (!probe) {
      fake.maxInFlight = Math.max(fake.maxInFlight, ++inFlight);
      res.once('close', () => inFlight--);
    }
    void handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

let counter = 0;
/** A raw org audit event in the documented shape (../shared/reference/atlassian.md §1.4). */
export function rawEvent(o: {
  id?: string;
  time: number;
  processedAt?: number;
  action?: string;
  actorId?: string;
  email?: string;
  ip?: string;
  country?: string;
  city?: string;
  geo?: string;
  token?: boolean;
}): Record<string, any> {
  const id = o.id ?? `evt-${(++counter).toString().padStart(6, '0')}`;
  return {
    id,
    type: 'events',
    attributes: {
      time: new Date(o.time).toISOString(),
      processedAt: new Date(o.processedAt ?? o.time + 1500).toISOString(),
      action: o.action ?? 'user_login',
      actor: {
        id: o.actorId ?? 'acct-alice',
        name: 'Alice Example',
        ...(o.email !== undefined ? { email: o.email } : { email: 'alice@example.com' }),
        ...(o.token ? { auth: { authType: 'container-token', tokenId: 'tok-1', tokenLabel: 'ci-bot' } } : {}),
        links: { self: 'https://api.atlassian.com/admin/v1/orgs/org-1/directory/users/acct-alice' },
      },
      context: [{ id: o.actorId ?? 'acct-alice', type: 'users', attributes: { email: o.email ?? 'alice@example.com', name: 'Alice Example', accountType: 'atlassian' } }],
      container: [{ id: 'site-1', type: 'sites', attributes: { siteHostName: 'https://example.atlassian.net', siteName: 'example' } }],
      ...(o.ip
        ? { location: { ip: o.ip, countryName: o.country ?? 'Netherlands', regionName: 'North Holland', city: o.city ?? 'Amsterdam', ...(o.geo ? { geo: o.geo } : {}) } }
        : {}),
    },
    links: { self: `https://api.atlassian.com/admin/v1/orgs/org-1/events/${id}` },
    message: { content: 'Logged in to account', format: 'simple' },
  };
}
