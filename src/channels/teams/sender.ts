import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../../log.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep as defaultSleep } from '../../http/retry.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * Proactive posts and updates to the Bot Connector (`POST v3/conversations/{id}/activities`,
 * `PUT v3/conversations/{id}/activities/{activityId}`) through the CloudAdapter, paced per conversation and
 * retried on 429/412/502/503/504 with Retry-After, else jittered backoff. (The connector's own HTTP pipeline
 * also retries 429/5xx a few times; this layer adds 412 and bounds the total.)
 */

export const RETRY_STATUSES = new Set([412, 429, 502, 503, 504]);

export class TeamsSendError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'TeamsSendError';
  }
}

type HeaderBag = { get(name: string): string | undefined | null } | Record<string, string | undefined>;
interface RestLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: HeaderBag; bodyAsText?: string; status?: number };
}

function headerOf(h: HeaderBag | undefined, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | undefined | null }).get(name) ?? undefined;
  return (h as Record<string, string | undefined>)[name];
}

/** Status, Teams error code (e.g. MessageWritesBlocked) and Retry-After of a connector error. */
export function describeSendError(err: unknown, now: number): { status?: number; code?: string; retryAfterMs?: number; message: string } {
  const e = (err ?? {}) as RestLikeError;
  const status = e.statusCode ?? e.response?.status;
  let code = typeof e.code === 'string' ? e.code : undefined;
  const body = e.response?.bodyAsText;
  if (body) {
    try {
      const j = JSON.parse(body) as { error?: { code?: string; message?: string } };
      code = j.error?.code ?? code;
    } catch {
      /* not JSON */
    }
  }
  const ra = headerOf(e.response?.headers, 'retry-after');
  const retryAfterMs = ra !== undefined ? parseRetryAfter(new Headers({ 'retry-after': ra }), now) : undefined;
  return { status, code, retryAfterMs, message: (e.message ?? String(err)).slice(0, 300) };
}

export interface SenderOptions {
  adapter: CloudAdapter;
  appId: string;
  limiter: RateLimiter;
  log: Logger;
  maxRetries?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function createTeamsSender(opts: SenderOptions) {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => defaultSleep(ms));
  const maxRetries = opts.maxRetries ?? 4;

  async function withRetry<T>(what: string, conversationId: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await opts.limiter.acquire(conversationId);
      try {
        return await fn();
      } catch (err) {
        const d = describeSendError(err, now());
        if (d.status === undefined || !RETRY_STATUSES.has(d.status) || attempt >= maxRetries) {
          throw new TeamsSendError(`Teams ${what} failed${d.status ? ` (HTTP ${d.status}${d.code ? ` ${d.code}` : ''})` : ''}: ${d.message}`, d.status, d.code);
        }
        const delay = d.retryAfterMs ?? backoffDelay(attempt, DEFAULT_RETRY, opts.random);
        opts.log.warn({ what, status: d.status, attempt: attempt + 1, delayMs: delay }, 'Teams send throttled or unavailable; retrying');
        await sleep(delay);
      }
    }
  }

  /**
   * Run `logic` in a proactive turn and hand back its result or its error. (The adapter would otherwise pass
   * an error to onTurnError and resolve, hiding a failed send from the outbox.)
   */
  async function proactive<T>(ref: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<T>): Promise<T> {
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await opts.adapter.continueConversationAsync(opts.appId, ref, async (ctx) => {
      try {
        result = { ok: true, value: await logic(ctx) };
      } catch (error) {
        result = { ok: false, error };
      }
    });
    if (!result) throw new TeamsSendError('Teams proactive turn did not run', undefined, undefined);
    if (!result.ok) throw result.error;
    return result.value;
  }

  return {
    /** Post an activity into a stored conversation; returns the new activity id (undefined if Teams gave none). */
    post(ref: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined> {
      const conversationId = ref.conversation?.id ?? '';
      return withRetry('post', conversationId, () =>
        proactive(ref, async (ctx) => {
          // A proactive turn's activity has a generated id that sendActivity would reply to; a new post
          // (POST v3/conversations/{id}/activities) must not carry replyToId.
          ctx.onSendActivities(async (_ctx, activities, next) => {
            for (const a of activities) delete a.replyToId;
            return next();
          });
          const res = await ctx.sendActivity(activity);
          return res?.id;
        }),
      );
    },
    /** Replace a posted activity (the card) for everyone in the conversation. */
    update(ref: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
      const conversationId = ref.conversation?.id ?? '';
      return withRetry('update', conversationId, () =>
        proactive(ref, async (ctx) => {
          await ctx.updateActivity({ ...activity, id: activityId });
        }),
      );
    },
  };
}
export type TeamsSender = ReturnType<typeof createTeamsSender>;
