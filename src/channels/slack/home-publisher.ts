import { WebAPIRateLimitedError } from '@slack/web-api';
import type { HomeView } from '@slack/types';
import type { Logger } from '../../log.js';

/**
 * Paced, coalescing views.publish for App Home tabs. A user owed a new view waits in `pending` once, however
 * many changes asked for it; the view is built right before the call, so the newest state always wins and a
 * stale view is never sent. Pacing (views.publish is Tier 4, 100+ per minute per workspace):
 * - one call at a time, at least `gapMs` apart (600 ms: 100 per minute);
 * - one refresh per user per `perUserMs` (a user who just opened the tab is served at once);
 * - a 429 pauses every publish until its Retry-After has passed; the user stays owed and gets the view built then.
 */
export interface HomePublisherOptions {
  build(userId: string): Promise<HomeView>;
  publish(userId: string, view: HomeView): Promise<void>;
  log: Logger;
  /** Spacing between two views.publish calls (any users). */
  gapMs?: number;
  /** Spacing between two refreshes of one user's view (SLACK_HOME_REFRESH_SECONDS). */
  perUserMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
export const VIEWS_PUBLISH_GAP_MS = 600;

/**
 * Who is owed a view and when the next call may go out: the pending users (urgent ones are due at once), the
 * last call per user and overall, and the pause a 429 asked for.
 */
function createSchedule(gap: number, perUserMs: number) {
  const pending = new Map<string, { urgent: boolean }>();
  const lastOf = new Map<string, number>();
  let lastCall = -Infinity;
  let pausedUntil = -Infinity;
  return {
    pending,
    owe(user: string, urgent: boolean) {
      pending.set(user, { urgent: urgent || (pending.get(user)?.urgent ?? false) });
    },
    /** The user due first and when their call may go out, or undefined when nobody is owed. */
    next(): { user: string; at: number } | undefined {
      let best: { user: string; at: number } | undefined;
      for (const [user, p] of pending) {
        const due = p.urgent ? -Infinity : (lastOf.get(user) ?? -Infinity) + perUserMs;
        if (!best || due < best.at) best = { user, at: due };
      }
      return best && { user: best.user, at: Math.max(best.at, lastCall + gap, pausedUntil) };
    },
    took(user: string, at: number) {
      pending.delete(user);
      lastCall = at;
      lastOf.set(user, at);
    },
    pause(until: number) {
      pausedUntil = until;
    },
  };
}

export function createHomePublisher(opts: HomePublisherOptions) {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const schedule = createSchedule(opts.gapMs ?? VIEWS_PUBLISH_GAP_MS, opts.perUserMs);
  const { pending } = schedule;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** When the loop's current wait ends (Infinity when it is not waiting). */
  let waitingUntil = Infinity;
  let stopped = false;

  async function publishOne(user: string): Promise<void> {
    schedule.took(user, now());
    try {
      await opts.publish(user, await opts.build(user));
    } catch (err) {
      if (err instanceof WebAPIRateLimitedError) {
        schedule.pause(now() + err.retryAfter * 1000);
        opts.log.warn({ method: 'views.publish', retryAfterS: err.retryAfter, owed: pending.size + 1 }, 'Slack rate limit: Home tab updates wait for Retry-After');
        if (!pending.has(user)) schedule.owe(user, true);
        return;
      }
      opts.log.warn({ user, err: (err as Error).message }, 'Slack Home tab could not be published');
    }
  }

  async function loop(): Promise<void> {
    for (let n = schedule.next(); n && !stopped; n = schedule.next()) {
      const wait = n.at - now();
      if (wait > 0) {
        // A user due earlier (one who opened the tab meanwhile) ends the wait early.
        waitingUntil = n.at;
        await Promise.race([sleep(wait), new Promise<void>((r) => (wake = r))]);
        wake = undefined;
        waitingUntil = Infinity;
        continue;
      }
      await publishOne(n.user);
    }
  }

  function kick() {
    if (running || stopped) return;
    running = loop()
      .catch((err: Error) => opts.log.error({ err: err.message }, 'Slack Home tab publisher failed'))
      .finally(() => {
        running = undefined;
        if (pending.size > 0) kick();
      });
  }

  return {
    /** `userId` is owed a fresh view; `urgent` when they are looking at the tab right now. */
    request(userId: string, urgent = false) {
      if (stopped) return;
      schedule.owe(userId, urgent);
      if (wake && (schedule.next()?.at ?? Infinity) < waitingUntil) wake();
      kick();
    },
    /** Resolves when nothing is owed any more (tests; shutdown). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    /** Users still owed a view. */
    owed: () => pending.size,
    stop() {
      stopped = true;
      pending.clear();
      wake?.();
    },
  };
}
export type HomePublisher = ReturnType<typeof createHomePublisher>;
