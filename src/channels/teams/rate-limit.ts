/**
 * Outbound pacing per Teams conversation. Teams allows a bot, per thread, 7 sends per second, 8 per 2 s,
 * 60 per 30 s and 1800 per hour (msteams-docs bots/how-to/rate-limit.md); we stay within all four windows.
 * `acquire(key)` resolves when one more request may go out for that conversation, in arrival order.
 * Time and sleep are injected so tests run on a fake clock.
 */
export interface Window {
  max: number;
  ms: number;
}

export const TEAMS_WINDOWS: readonly Window[] = [
  { max: 7, ms: 1_000 },
  { max: 8, ms: 2_000 },
  { max: 60, ms: 30_000 },
  { max: 1800, ms: 3_600_000 },
];

export interface RateLimiterOptions {
  windows?: readonly Window[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRateLimiter(opts: RateLimiterOptions = {}) {
  const windows = opts.windows ?? TEAMS_WINDOWS;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const longest = windows.reduce((m, w) => Math.max(m, w.ms), 0);
  const sent = new Map<string, number[]>();
  const queues = new Map<string, Promise<void>>();

  /** How long until one more request fits every window (0 = now). */
  function waitFor(key: string, t: number): number {
    const times = (sent.get(key) ?? []).filter((s) => s > t - longest);
    sent.set(key, times);
    let wait = 0;
    for (const w of windows) {
      const inWindow = times.filter((s) => s > t - w.ms);
      if (inWindow.length >= w.max) wait = Math.max(wait, inWindow[inWindow.length - w.max]! + w.ms - t);
    }
    return wait;
  }

  async function take(key: string): Promise<void> {
    for (;;) {
      const wait = waitFor(key, now());
      if (wait <= 0) break;
      await sleep(wait);
    }
    sent.get(key)!.push(now());
  }

  return {
    acquire(key: string): Promise<void> {
      const prev = queues.get(key) ?? Promise.resolve();
      const next = prev.then(() => take(key));
      const settled = next.catch(() => undefined);
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return next;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
