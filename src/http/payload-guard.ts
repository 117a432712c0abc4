import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

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

/**
 * Runs before Bolt on the Slack request URL: keeps the raw body for Bolt (it reads `req.rawBody` for the
 * signature check) and refuses an interactivity `payload` that does not have the documented envelope with a
 * clear 400. Bolt itself answers 500 for `payload=null`, a string `user` and similar shapes Slack never sends
 * (found by test/faults/fuzz.test.ts).
 */
export function slackPayloadGuard(maxBytes = 1_048_576) {
  const raw = express.raw({ type: () => true, limit: maxBytes });
  return [
    raw,
    (req: Request & { rawBody?: Buffer }, res: Response, next: NextFunction) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.rawBody = body;
      req.body = undefined;
      if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return next();
      const payload = new URLSearchParams(body.toString('utf8')).get('payload');
      if (payload === null) return next();
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload);
      } catch {
        parsed = undefined;
      }
      const env = Envelope.safeParse(parsed);
      if (!env.success) {
        const issue = env.error.issues[0];
        res.status(400).json({ error: `not a Slack interactivity payload: ${issue?.path.join('.') || 'payload'} ${issue?.message ?? 'is invalid'}` });
        return;
      }
      next();
    },
  ];
}
