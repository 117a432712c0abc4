import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { bodyGate, type HeaderCheck, type InboundLimits, type RawBodyRequest } from '../../http/body-gate.js';

/**
 * The envelope every Slack interactivity payload has (block_actions, view_submission, shortcuts...): the
 * documented types of the fields Bolt reads before any listener runs. Anything else is not from Slack.
 */
const Envelope = z.looseObject({
  type: z.string(),
  user: z.looseObject({ id: z.string() }).optional(),
  team: z.looseObject({ id: z.string() }).nullable().optional(),
  enterprise: z.looseObject({ id: z.string() }).nullable().optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string().optional(), type: z.string().optional() })).optional(),
  view: z.looseObject({}).optional(),
  container: z.looseObject({}).optional(),
  message: z.looseObject({}).optional(),
  response_url: z.string().optional(),
  response_urls: z.array(z.unknown()).optional(),
  trigger_id: z.string().optional(),
  callback_id: z.string().optional(),
});

/** Events API bodies (url_verification, event_callback): a JSON object with a string `type`. */
const EventEnvelope = z.looseObject({ type: z.string(), team_id: z.string().optional(), enterprise_id: z.string().nullable().optional() });

/** Slack signs with a timestamp; requests more than 5 minutes off (either way) are refused. */
export const SLACK_MAX_SKEW_S = 300;

export interface SlackInboundOptions {
  signingSecret: string;
  limits: InboundLimits;
  now?: () => number;
  /**
   * Remember a request signature for the replay window; false when it was already seen (a replay).
   * Backed by the store's lock backend, so every replica refuses a replay.
   */
  firstSeen?: (signature: string) => Promise<boolean>;
  onRefuse?: (status: number, reason: string) => void;
  route?: string;
}

/** Header-only check: both signature headers present and well-formed, timestamp within 5 minutes of now. */
export function slackHeaderCheck(req: Request, nowMs: number): HeaderCheck {
  const sig = req.get('x-slack-signature');
  const ts = req.get('x-slack-request-timestamp');
  if (!sig || !/^v0=[0-9a-f]{64}$/.test(sig) || !ts || !/^\d{1,12}$/.test(ts))
    return { ok: false, status: 401, error: 'missing or malformed Slack signature headers' };
  if (Math.abs(Number(ts) - Math.floor(nowMs / 1000)) > SLACK_MAX_SKEW_S) return { ok: false, status: 401, error: 'Slack request timestamp outside the 5-minute window' };
  return { ok: true };
}

/** Slack's v0 signature over `v0:<timestamp>:<raw body>`, compared in constant time. */
export function slackSignatureValid(secret: string, ts: string, body: Buffer, signature: string): boolean {
  const want = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`);
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Everything in front of Bolt on the Slack request URL, in order: signature headers (before any body byte is
 * read), the bounded body read, the signature itself, a replay check (each signed request is served once),
 * then the interactivity envelope check. Bolt verifies the signature again on the same raw bytes.
 */
export function slackInbound(opts: SlackInboundOptions) {
  const now = opts.now ?? Date.now;
  const gate = bodyGate({ route: opts.route ?? '/slack/events', ...opts.limits, authenticate: (req) => slackHeaderCheck(req, now()), onRefuse: opts.onRefuse });
  const verify = async (req: RawBodyRequest, res: Response, next: NextFunction) => {
    const sig = req.get('x-slack-signature')!;
    if (!slackSignatureValid(opts.signingSecret, req.get('x-slack-request-timestamp')!, req.rawBody ?? Buffer.alloc(0), sig)) {
      opts.onRefuse?.(401, 'bad Slack signature');
      res.status(401).json({ error: 'invalid Slack signature' });
      return;
    }
    if (opts.firstSeen && !(await opts.firstSeen(sig).catch(() => false))) {
      opts.onRefuse?.(409, 'replayed Slack request');
      res.status(409).json({ error: 'this signed request was already received; Slack sends a fresh one for every click' });
      return;
    }
    next();
  };
  return [gate, verify, ...slackPayloadGuard()];
}

/**
 * Runs before Bolt on the Slack request URL: keeps the raw body for Bolt (it reads `req.rawBody` for the
 * signature check) and refuses an interactivity `payload` that does not have the documented envelope with a
 * clear 400. Bolt itself answers 500 for `payload=null`, a string `user` and similar shapes Slack never sends
 * (found by test/faults/fuzz.test.ts).
 */
export function slackPayloadGuard() {
  return [
    (req: RawBodyRequest, res: Response, next: NextFunction) => {
      const body = req.rawBody ?? Buffer.alloc(0);
      req.body = undefined;
      const type = String(req.headers['content-type'] ?? '');
      const bad = (what: string, issue?: z.core.$ZodIssue) =>
        void res.status(400).json({ error: `not a Slack ${what}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}` });
      if (type.includes('application/json')) {
        const env = EventEnvelope.safeParse(parseJson(body.toString('utf8')));
        return env.success ? next() : bad('event envelope', env.error.issues[0]);
      }
      if (!type.includes('application/x-www-form-urlencoded')) return bad('request', undefined);
      const payload = new URLSearchParams(body.toString('utf8')).get('payload');
      if (payload === null) return next();
      const env = Envelope.safeParse(parseJson(payload));
      return env.success ? next() : bad('interactivity payload', env.error.issues[0]);
    },
  ];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
