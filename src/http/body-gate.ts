import type { NextFunction, Request, Response } from 'express';

/**
 * Inbound body reading for the public routes (/webhooks/atlassian, /slack/events, /api/messages):
 * authenticate on the headers first, then read the body with a per-request size limit and a whole-body
 * deadline, with a cap per route on concurrent requests and on body bytes held in memory. A request that
 * does not pass the header check, or arrives when the route is full, is answered without reading its body,
 * and its connection is closed. A body that does not arrive in time is cut off (408, connection destroyed).
 */
export interface InboundLimits {
  /** Largest body accepted on the route (bytes). */
  maxBytes: number;
  /** Concurrent requests on the route (authenticating or reading). */
  maxInFlight: number;
  /** Body bytes the route may hold at once (declared Content-Length reserved on admission). */
  maxBytesInFlight: number;
  /** The whole body must arrive within this many ms of admission. */
  timeoutMs: number;
}

/** Limits of a Slack or Teams route when the caller passes none (the app passes the configured ones). */
export const DEFAULT_CHAT_LIMITS: InboundLimits = { maxBytes: 262_144, maxInFlight: 32, maxBytesInFlight: 8 * 1_048_576, timeoutMs: 10_000 };

/** The header check: `ok` to read the body, or the status and message to answer with. */
export type HeaderCheck = { ok: true } | { ok: false; status: number; error: string; headers?: Record<string, string> };

export interface BodyGateOptions extends InboundLimits {
  route: string;
  authenticate: (req: Request) => HeaderCheck | Promise<HeaderCheck>;
  /** Told about each refusal (reason, status) for a log line; never told the body. */
  onRefuse?: (status: number, reason: string) => void;
}

export interface RouteStats {
  inFlight: number;
  /** Body bytes received and still held (buffered chunks, then the body until the answer is sent). */
  bytesHeld: number;
  peakBytesHeld: number;
  peakInFlight: number;
  refused: number;
  cutOff: number;
}

const stats = new Map<string, RouteStats>();

/** Per-route figures (tests, metrics). */
export function inboundStats(route: string): RouteStats {
  let s = stats.get(route);
  if (!s) {
    s = { inFlight: 0, bytesHeld: 0, peakBytesHeld: 0, peakInFlight: 0, refused: 0, cutOff: 0 };
    stats.set(route, s);
  }
  return s;
}

export type RawBodyRequest = Request & { rawBody?: Buffer };

/** Answer without having read the body, then close the connection (the unread upload is not kept). */
function refuse(req: Request, res: Response, status: number, error: string, headers: Record<string, string> = {}) {
  if (res.headersSent) return void req.socket.destroy();
  res.set({ connection: 'close', ...headers }).status(status).json({ error });
  res.once('finish', () => {
    // Give the client a moment to read the answer, then drop the socket whatever it is still sending.
    const t = setTimeout(() => req.socket.destroy(), 1_000);
    t.unref();
    req.socket.once('close', () => clearTimeout(t));
  });
}

/** The express middleware: on success `req.body` and `req.rawBody` are the body as a Buffer. */
export function bodyGate(opts: BodyGateOptions) {
  const s = inboundStats(opts.route);
  let reservedBytes = 0;
  return async (req: RawBodyRequest, res: Response, next: NextFunction) => {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const no = (status: number, reason: string, headers?: Record<string, string>) => {
      s.refused++;
      opts.onRefuse?.(status, reason);
      refuse(req, res, status, reason, headers);
    };
    if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) return no(400, 'invalid Content-Length');
    if (declared !== undefined && declared > opts.maxBytes) return no(413, `body larger than ${opts.maxBytes} bytes`);
    const reserve = declared ?? opts.maxBytes;
    if (s.inFlight >= opts.maxInFlight || reservedBytes + reserve > opts.maxBytesInFlight)
      return no(503, 'too many requests in flight on this route; retry later', { 'retry-after': '5' });

    s.inFlight++;
    s.peakInFlight = Math.max(s.peakInFlight, s.inFlight);
    reservedBytes += reserve;
    let held = 0;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      s.inFlight--;
      reservedBytes -= reserve;
      s.bytesHeld -= held;
      held = 0;
    };
    res.once('close', release);
    req.once('close', () => {
      if (!req.complete) release();
    });

    let check: HeaderCheck;
    try {
      check = await opts.authenticate(req);
    } catch {
      check = { ok: false, status: 401, error: 'authentication failed' };
    }
    if (!check.ok) {
      release();
      return no(check.status, check.error, check.headers);
    }
    readBody(req, res, opts, {
      add: (n) => {
        held += n;
        s.bytesHeld += n;
        s.peakBytesHeld = Math.max(s.peakBytesHeld, s.bytesHeld);
      },
      fail: (status, reason) => {
        release();
        if (status === 408) s.cutOff++;
        opts.onRefuse?.(status, reason);
        if (!res.headersSent) res.set('connection', 'close').status(status).json({ error: reason });
        req.socket.destroy();
      },
      done: (body) => {
        req.rawBody = body;
        req.body = body;
        next();
      },
    });
  };
}

interface ReadHooks {
  add(n: number): void;
  fail(status: number, reason: string): void;
  done(body: Buffer): void;
}

function readBody(req: Request, res: Response, opts: BodyGateOptions, hooks: ReadHooks): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (fn: () => void) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.removeListener('data', onData);
    fn();
  };
  const timer = setTimeout(() => finish(() => hooks.fail(408, `body not received within ${opts.timeoutMs} ms`)), opts.timeoutMs);
  timer.unref();
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > opts.maxBytes) {
      chunks.length = 0;
      return finish(() => hooks.fail(413, `body larger than ${opts.maxBytes} bytes`));
    }
    chunks.push(chunk);
    hooks.add(chunk.length);
  };
  req.on('data', onData);
  req.once('end', () => finish(() => hooks.done(Buffer.concat(chunks, size))));
  req.once('error', () => finish(() => hooks.fail(400, 'request aborted')));
  res.once('close', () => finish(() => undefined));
}

/** The configured limits for one route (VIGIL_BODY_TIMEOUT, VIGIL_INBOUND_MAX_REQUESTS, VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT). */
export function inboundLimits(
  core: { VIGIL_BODY_TIMEOUT: number; VIGIL_INBOUND_MAX_REQUESTS: number; VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT: number },
  maxBytes: number,
): InboundLimits {
  return {
    maxBytes: Math.min(maxBytes, core.VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT),
    maxInFlight: core.VIGIL_INBOUND_MAX_REQUESTS,
    maxBytesInFlight: core.VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT,
    timeoutMs: core.VIGIL_BODY_TIMEOUT,
  };
}
