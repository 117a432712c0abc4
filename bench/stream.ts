/**
 * A loopback events-stream for the benchmark, in the shape of the Organizations API (and of
 * test/fakes/atlassian.ts): `GET /admin/v1/orgs/{org}/events-stream` ascending by processedAt, `limit`,
 * `from`, an opaque cursor on every page; `GET …/event-actions`; Bearer auth. Page bodies are built once, before
 * the measured run, from the NDJSON lines (no JSON work while Vigil is being measured), and the same bodies are
 * what the JSON.parse baseline parses.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export interface EventStream {
  url: string;
  orgId: string;
  apiKey: string;
  /** The page bodies served for `limit` = pageSize from the start, in order. */
  pages: string[];
  events: number;
  /** Events before the offset of the newest page requested: what the sweep has committed, roughly. */
  progress(): number;
  close(): Promise<void>;
}

const encode = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
const decode = (c: string): number | undefined => {
  try {
    const o: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
};

function body(lines: string[], offset: number, limit: number, path: string): string {
  const data = lines.slice(offset, offset + limit);
  const next = encode(offset + data.length);
  return `{"data":[${data.join(',')}],"meta":{"next":"${next}","page_size":${limit}},"links":{"self":"${path}","next":"${path}?cursor=${next}"}}`;
}

/** Serve the NDJSON file's events in pages of `pageSize`. */
export async function startEventStream(file: string, pageSize: number): Promise<EventStream> {
  const orgId = 'bench-org';
  const apiKey = 'bench-atlassian-key-0001';
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const stream = `/admin/v1/orgs/${orgId}/events-stream`;
  const pages: string[] = [];
  for (let o = 0; o < lines.length; o += pageSize) pages.push(body(lines, o, pageSize, stream));
  const processedAt = lines.map((l) => Date.parse(/"processedAt":"([^"]+)"/.exec(l)?.[1] ?? ''));
  let newest = 0;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(401, '{"code":401,"message":"Unauthorized"}');
    if (u.pathname === `/admin/v1/orgs/${orgId}/event-actions`) return send(200, '{"data":[],"links":{}}');
    if (u.pathname !== stream) return send(404, '{"errors":[{"status":"404","title":"Not Found"}]}');
    const limit = Math.min(Number(u.searchParams.get('limit') ?? 200), 1000);
    let offset = 0;
    const cursor = u.searchParams.get('cursor');
    if (cursor) {
      const o = decode(cursor);
      if (o === undefined) return send(400, '{"errors":[{"status":"400","code":"INVALID_PAGE_CURSOR","title":"Error.InvalidPageCursor"}]}');
      offset = o;
    } else if (u.searchParams.has('from')) {
      const from = Number(u.searchParams.get('from'));
      offset = processedAt.findIndex((t) => t >= from);
      if (offset < 0) offset = lines.length;
    }
    if (limit > 1) newest = Math.max(newest, offset); // the doctor's limit=1 probe is not progress
    const prebuilt = limit === pageSize && offset % pageSize === 0 ? pages[offset / pageSize] : undefined;
    send(200, prebuilt ?? body(lines, offset, limit, stream));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    orgId,
    apiKey,
    pages,
    events: lines.length,
    progress: () => newest,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The baseline: JSON.parse of every page body, best of `runs`; events per second. */
export function parsePagesRate(pages: string[], events: number, runs = 3): number {
  let best = Infinity;
  // Best of at least `runs`, and of at least half a second of parsing: a small case is otherwise measured before
  // the JIT has warmed up, which made the 1,000-actor baseline a fifth of the others.
  const until = performance.now() + 500;
  for (let r = 0; r < runs || performance.now() < until; r++) {
    const t = performance.now();
    let n = 0;
    for (const p of pages) n += (JSON.parse(p) as { data: unknown[] }).data.length;
    best = Math.min(best, performance.now() - t);
    if (n !== events) throw new Error(`baseline parsed ${n} events, expected ${events}`);
  }
  return (events / best) * 1000;
}
