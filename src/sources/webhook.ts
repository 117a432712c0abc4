import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { bodyGate, type InboundLimits } from '../http/body-gate.js';
import type { NormalizedEvent } from '../domain/index.js';
import type { Logger } from '../log.js';
import { normalizeAtlassianEvent } from './atlassian/normalize.js';

/** Where pushed events go (the pipeline, which sits above the sources and is handed in by the app). */
export interface EventSink {
  ingest(events: readonly NormalizedEvent[]): Promise<{ processed: number; duplicates: number; alerts: readonly unknown[] }>;
}

export interface WebhookOptions {
  /** VIGIL_WEBHOOK_SECRET; when unset the endpoint answers 503 and says how to enable it. */
  secret?: string;
  maxBytes: number;
  /** Concurrency, bytes-in-flight and body deadline for this route (the body limit is maxBytes). */
  limits?: Omit<InboundLimits, 'maxBytes'>;
  pipeline: EventSink;
  log: Logger;
  actionNames?: () => ReadonlyMap<string, string>;
  path?: string;
}

const DEFAULT_LIMITS = { maxInFlight: 32, maxBytesInFlight: 8 * 1_048_576, timeoutMs: 10_000 };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Accept the shared secret as the whole Authorization value, as `Bearer <secret>`, or as the password of
 * `Basic base64(user:secret)` (what Atlassian's audit-log webhook form produces). Constant-time comparison.
 */
export function checkWebhookAuth(header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const want = digest(secret);
  const candidates = [header.trim()];
  const m = /^(Bearer|Basic)\s+(.+)$/i.exec(header.trim());
  if (m) {
    candidates.push(m[2]!);
    if (m[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) candidates.push(decoded.slice(colon + 1));
    }
  }
  let ok = false;
  for (const c of candidates) ok = timingSafeEqual(digest(c), want) || ok;
  return ok;
}

/** A single event, an array of events, or a page `{ data: [...] }`. */
export function extractEvents(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    const data = (body as { data?: unknown }).data;
    if (Array.isArray(data)) return data;
    if ('attributes' in body || 'id' in body) return [body];
  }
  return undefined;
}

/** An authenticated JSON POST route: the shared secret checked on the headers, the body bounded, parse errors named. */
export interface JsonRouteOptions {
  path: string;
  /** The setting that holds the secret, named in the 503 that a route without one answers. */
  secretSetting: string;
  secret?: string;
  maxBytes: number;
  limits?: Omit<InboundLimits, 'maxBytes'>;
  log: Logger;
  /** Log message of a refusal, e.g. "webhook request rejected". */
  refusal: string;
  /** Said when the body is empty, e.g. "send a JSON audit event". */
  expected: string;
}

export type Reject = (res: Response, status: number, reason: string, extra?: Record<string, unknown>) => void;

/**
 * Mount `handle` behind the header check (before a byte of the body is read), the body limits and JSON parsing.
 * Every refusal is answered with its reason and logged without the body or any header value.
 */
export function registerJsonRoute(app: Express, o: JsonRouteOptions, handle: (body: unknown, res: Response, reject: Reject) => Promise<unknown>): void {
  const reject: Reject = (res, status, reason, extra = {}) => {
    o.log.warn({ route: o.path, status, reason, ...extra }, o.refusal);
    res.status(status).json({ error: reason, ...extra });
  };
  const gate = bodyGate({
    route: o.path,
    ...(o.limits ?? DEFAULT_LIMITS),
    maxBytes: o.maxBytes,
    authenticate: (req) => {
      if (!o.secret) return { ok: false, status: 503, error: `${o.path} is disabled: set ${o.secretSetting}` };
      if (!checkWebhookAuth(req.get('authorization'), o.secret)) return { ok: false, status: 401, error: 'missing or wrong Authorization header' };
      return { ok: true };
    },
    onRefuse: (status, reason) => o.log.warn({ route: o.path, status, reason }, o.refusal),
  });
  app.post(o.path, gate, async (req: Request, res: Response) => {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (text.trim() === '') return reject(res, 400, `empty body: ${o.expected}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return reject(res, 400, `body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
    }
    await handle(body, res, reject);
  });
}

/** POST /webhooks/atlassian: streamed audit events into the same pipeline and dedupe as the sweeps. */
export function registerAtlassianWebhook(app: Express, opts: WebhookOptions): void {
  const path = opts.path ?? '/webhooks/atlassian';
  const route = { path, secretSetting: 'VIGIL_WEBHOOK_SECRET', secret: opts.secret, maxBytes: opts.maxBytes, log: opts.log, refusal: 'webhook request rejected' };
  const expected = 'send a JSON audit event, an array of events or {"data":[...]}';
  registerJsonRoute(app, { ...route, ...(opts.limits ? { limits: opts.limits } : {}), expected }, async (body, res, reject) => {
    const raws = extractEvents(body);
    if (!raws) return reject(res, 400, 'body must be an audit event, an array of events or {"data":[...]}');
    const events: NormalizedEvent[] = [];
    const rejected: Array<{ index: number; id?: string; reason: string }> = [];
    raws.forEach((raw, index) => {
      const n = normalizeAtlassianEvent(raw, 'webhook', opts.actionNames?.());
      if (n.ok) events.push(n.event);
      else rejected.push({ index, ...(n.id ? { id: n.id } : {}), reason: n.reason });
    });
    for (const r of rejected.slice(0, 20)) opts.log.warn({ eventId: r.id, index: r.index, reason: r.reason }, 'webhook event rejected');
    if (events.length === 0) return reject(res, 400, 'no valid audit event in the body', { rejected: rejected.slice(0, 50) });
    try {
      const r = await opts.pipeline.ingest(events);
      res.status(202).json({ accepted: r.processed, duplicates: r.duplicates, rejected: rejected.slice(0, 50), alerts: r.alerts.length });
    } catch (err) {
      opts.log.error({ err: (err as Error).message }, 'webhook events could not be stored; the sender should retry');
      res.status(503).json({ error: 'events could not be stored right now; retry later' });
    }
  });
}
