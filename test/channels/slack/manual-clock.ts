/**
 * A test clock: `now` stands still until `fire()` jumps it to the earliest pending `sleep` and wakes every sleep
 * due by then. Nothing waits on the wall clock, so pacing is asserted on this clock's readings.
 */
export function manualClock(start = Date.now()) {
  let t = start;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: t + Math.max(0, ms), resolve })),
    /** Jump to the earliest pending sleep and wake it (and any due with it). False when nothing sleeps. */
    fire(): boolean {
      if (timers.length === 0) return false;
      t = Math.max(t, Math.min(...timers.map((x) => x.at)));
      for (const x of timers.filter((x) => x.at <= t)) {
        timers.splice(timers.indexOf(x), 1);
        x.resolve();
      }
      return true;
    },
    sleeping: () => timers.length,
  };
}
export type ManualClock = ReturnType<typeof manualClock>;

/** Let real I/O (loopback HTTP) progress, waking the clock's sleepers, until `done()` holds (at most `max` rounds). */
export async function pump(clock: ManualClock, done: () => boolean, max = 2000): Promise<void> {
  for (let i = 0; i < max && !done(); i++) {
    await new Promise((r) => setTimeout(r, 3));
    if (!done()) clock.fire();
  }
  if (!done()) throw new Error('pump: the condition never held');
}
