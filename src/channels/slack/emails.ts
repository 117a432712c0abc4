import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { slackErrorCode, type SlackSender } from './sender.js';

/** An address as Slack reports it in `profile.email` (only with the users:read.email scope). */
const Email = z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/);

export interface EmailLookupOptions {
  client: WebClient;
  sender: SlackSender;
  log: Logger;
  now?: () => number;
  /** How long an answer (an address, or "none") is kept. */
  ttlMs?: number;
}

/**
 * A Slack user's email address from users.info `profile.email` (tier 4; scope users:read.email), cached per user.
 * Used to name a responder as a person (four-eyes across Slack and Teams) and to turn an @mention into an email
 * for /vigil activity. A missing address (scope not granted, bots) is cached like an address; a failed call is
 * logged and not cached, so the next click asks again. Never throws.
 */
export function createEmailLookup(opts: EmailLookupOptions) {
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlMs ?? 15 * 60_000;
  const cache = new Map<string, { email: string | undefined; until: number }>();
  return async function emailOf(userId: string): Promise<string | undefined> {
    const hit = cache.get(userId);
    if (hit && hit.until > now()) return hit.email;
    try {
      const res = await opts.sender.call('users.info', () => opts.client.users.info({ user: userId }));
      const parsed = Email.safeParse(res.user?.profile?.email);
      const email = parsed.success ? parsed.data : undefined;
      if (!email) opts.log.warn({ user: userId }, 'Slack reported no email address for this user (the app needs the users:read.email scope)');
      if (cache.size > 10_000) cache.clear();
      cache.set(userId, { email, until: now() + ttl });
      return email;
    } catch (err) {
      opts.log.warn({ user: userId, code: slackErrorCode(err), err: (err as Error).message }, 'users.info failed');
      return undefined;
    }
  };
}
export type EmailLookup = ReturnType<typeof createEmailLookup>;
