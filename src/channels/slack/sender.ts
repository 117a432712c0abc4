import type { WebClient } from '@slack/web-api';
import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import { UpstreamError } from '../../domain/errors.js';
import type { Logger } from '../../log.js';
import { createMutex, type Mutex } from '../../lib/mutex.js';

export interface SenderOptions {
  /** A WebClient built with `rejectRateLimitedCalls: true`, so a 429 reaches us with its Retry-After. */
  client: WebClient;
  log: Logger;
  /** Spacing between two writes to one channel (Slack: about one message per second per channel). */
  minIntervalMs?: number;
  /** How many 429s in a row one call sits out before giving up (the outbox then retries later). */
  maxRateLimitRetries?: number;
  /** A Retry-After longer than this is not waited out in-process. */
  maxRetryAfterMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PostResult {
  channel: string;
  ts: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Every chat.postMessage / chat.update goes through here: one queue per channel, paced to about one write per
 * second, and a 429 is retried after the Retry-After Slack sent (WebClient's own 429 handling is switched off
 * because it pauses the whole client and cannot be observed in tests).
 */
export function createSlackSender(opts: SenderOptions) {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const interval = opts.minIntervalMs ?? 1_100;
  const maxRetries = opts.maxRateLimitRetries ?? 3;
  const maxWait = opts.maxRetryAfterMs ?? 120_000;
  const queues = new Map<string, Mutex>();
  const lastWrite = new Map<string, number>();

  function queueFor(channel: string): Mutex {
    let q = queues.get(channel);
    if (!q) queues.set(channel, (q = createMutex()));
    return q;
  }

  async function withRetry<T>(method: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof WebAPIRateLimitedError)) throw toUpstream(method, err);
        const waitMs = err.retryAfter * 1000;
        if (attempt >= maxRetries || waitMs > maxWait)
          throw new UpstreamError('upstream_rate_limited', `Slack ${method} is rate limited (Retry-After ${err.retryAfter} s); will retry later`, 429);
        opts.log.warn({ method, retryAfterS: err.retryAfter, attempt: attempt + 1 }, 'Slack rate limit: waiting Retry-After');
        await sleep(waitMs);
      }
    }
  }

  /** Run a write to `channel` in its queue, spaced from the previous write. */
  function paced<T>(channel: string, method: string, call: () => Promise<T>): Promise<T> {
    return queueFor(channel)(async () => {
      const last = lastWrite.get(channel);
      if (last !== undefined) {
        const wait = last + interval - now();
        if (wait > 0) await sleep(wait);
      }
      try {
        return await withRetry(method, call);
      } finally {
        lastWrite.set(channel, now());
      }
    });
  }

  return {
    post(channel: string, msg: { text: string; blocks?: KnownBlock[]; thread_ts?: string }): Promise<PostResult> {
      return paced(channel, 'chat.postMessage', async () => {
        const res = await opts.client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks, thread_ts: msg.thread_ts, unfurl_links: false, unfurl_media: false });
        if (!res.ts || !res.channel) throw new UpstreamError('upstream_bad_response', 'Slack chat.postMessage answered without channel or ts');
        return { channel: res.channel, ts: res.ts };
      });
    },
    update(channel: string, ts: string, msg: { text: string; blocks: KnownBlock[] }): Promise<PostResult> {
      return paced(channel, 'chat.update', async () => {
        await opts.client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks });
        return { channel, ts };
      });
    },
    /** A call that posts into `channel` without chat.postMessage (files.completeUploadExternal): paced with its writes. */
    share<T>(channel: string, method: string, fn: () => Promise<T>): Promise<T> {
      return paced(channel, method, fn);
    },
    /** A message's permalink (chat.getPermalink), only if it is a plain https URL safe to put in a mrkdwn link. */
    async permalink(channel: string, ts: string): Promise<string | undefined> {
      const res = await withRetry('chat.getPermalink', () => opts.client.chat.getPermalink({ channel, message_ts: ts }));
      const link = res.permalink;
      return link && /^https:\/\/[^\s<>|]+$/.test(link) ? link : undefined;
    },
    /** Other Web API calls (views.open, users.lookupByEmail...) with the same 429 handling, not paced. */
    call<T>(method: string, fn: () => Promise<T>): Promise<T> {
      return withRetry(method, fn);
    },
  };
}
export type SlackSender = ReturnType<typeof createSlackSender>;

/** The Slack error code of a failed call (`message_not_found`, `users_not_found`...), if it was a platform error. */
export function slackErrorCode(err: unknown): string | undefined {
  if (err instanceof WebAPIPlatformError) return err.data.error;
  if (err instanceof UpstreamError && err.cause instanceof WebAPIPlatformError) return err.cause.data.error;
  return undefined;
}

function toUpstream(method: string, err: unknown): Error {
  if (err instanceof UpstreamError) return err;
  if (err instanceof WebAPIPlatformError) {
    const e = new UpstreamError(`slack_${err.data.error}`, `Slack ${method} failed: ${err.data.error}`);
    Object.defineProperty(e, 'cause', { value: err });
    return e;
  }
  return new UpstreamError('upstream_unreachable', `Slack ${method} failed: ${(err as Error).message ?? String(err)}`);
}
